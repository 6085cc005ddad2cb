package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.airlock.policy.value.BoolValue;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegexGlobBuiltinsTest {
    @Test
    void match() {
        expect("true", "regex.match", "\"^[a-z]+\\\\[[0-9]+\\\\]$\"", "\"foo[1]\"");
        expect("true", "regex.match", "\"\"", "\"x\"");
        expect("false", "regex.match", "\"^$\"", "\"something\"");
        builtinError("error parsing regexp", "regex.match", "\"$^[[[\"", "\"something\"");
        expect("false", "regex.is_valid", "\"++\"");
        expect("true", "regex.is_valid", "\".+\"");
        expect("false", "regex.is_valid", "10");
    }

    /** (a*)*b against a long run of a's is catastrophic for backtracking engines, linear for RE2. */
    @Test
    void pathologicalPatternRunsInLinearTime() {
        String input = "\"" + "a".repeat(100_000) + "\"";
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            assertEquals(BoolValue.FALSE, callJ("regex.match", "\"^(a+)+$b\"", input));
            assertEquals(BoolValue.FALSE, callJ("regex.match", "\"(a*)*b\"", input));
        });
    }

    @Test
    void findAndSplit() {
        expect("[\"ar\",\"an\"]", "regex.find_n", "\"a.\"", "\"paranormal\"", "2");
        expect("[\"ar\",\"an\",\"al\"]", "regex.find_n", "\"a.\"", "\"paranormal\"", "-1");
        expect("[]", "regex.find_n", "\"bork\"", "\"paranormal\"", "-1");
        expect("[\"\",\"aaa\",\"\"]", "regex.find_n", "\"a*\"", "\"baaac\"", "-1");
        expect("[[\"ab\",\"\"],[\"axb\",\"x\"]]", "regex.find_all_string_submatch_n", "\"a(x*)b\"", "\"-ab-axb-\"", "-1");
        expect("[[\"som\",\"o\",\"m\"],[\"ri\",\"i\",\"\"]]", "regex.find_all_string_submatch_n",
                "\"[^aouiye]([aouiye])([^aouiye])?\"", "\"somestri\"", "-1");
        expect("[[\"som\",\"o\",\"m\"]]", "regex.find_all_string_submatch_n",
                "\"[^aouiye]([aouiye])([^aouiye])?\"", "\"somestri\"", "1");
        expect("[\"\"]", "regex.split", "\"^[a-z]+\\\\[[0-9]+\\\\]$\"", "\"\"");
        expect("[\"b\",\"n\",\"n\",\"\"]", "regex.split", "\"a\"", "\"banana\"");
        expect("[\"pi\",\"a\"]", "regex.split", "\"z+\"", "\"pizza\"");
        expect("[\"foobar \",\"\"]", "regex.split", "\"baz\"", "\"foobar baz\"");
    }

    @Test
    void replace() {
        expect("\"-0-0-\"", "regex.replace", "\"-wy-wxxy-\"", "\"w(x*)y\"", "\"0\"");
        expect("\"foofoo\"", "regex.replace", "\"foo\"", "\"(foo)\"", "\"$1$1\"");
        expect("\"Foo\"", "regex.replace", "\"foo\"", "\"^[a-z]\"", "\"F\"");
        expect("\"foF\"", "regex.replace", "\"foo\"", "\"[a-z]$\"", "\"F\"");
        expect("\"_o __\"", "regex.replace", "\"foo barx\"", "\"[a-z]{2}\"", "\"_\"");
        expect("\"x-\"", "regex.replace", "\"ab\"", "\"(?P<first>a)b\"", "\"x${nope}-\"");
        builtinError("error parsing regexp", "regex.replace", "\"foo\"", "\"[\"", "\"$1\"");
    }

    @Test
    void templateMatch() {
        expect("true", "regex.template_match", "\"urn:foo:{.*}\"", "\"urn:foo:bar:baz\"", "\"{\"", "\"}\"");
        expect("true", "regex.template_match", "\"urn:foo:<.*>\"", "\"urn:foo:bar:baz\"", "\"<\"", "\">\"");
        expect("false", "regex.template_match", "\"urn:foo:{[0-9]+}\"", "\"urn:foo:bar\"", "\"{\"", "\"}\"");
        expect("false", "regex.template_match", "\"urn.foo:{.*}\"", "\"urnxfoo:bar\"", "\"{\"", "\"}\"");
    }

    @Test
    void globsMatch() {
        expect("true", "regex.globs_match", "\"a.a.[0-9]+z\"", "\".b.b2359825792*594823z\"");
        expect("false", "regex.globs_match", "\"[a-z]+\"", "\"[0-9]*\"");
        expect("true", "regex.globs_match", "\"b.*\"", "\"bar\"");
        expect("true", "regex.globs_match", "\"[a-z]+\\\\[[0-9]+\\\\]\"", "\"foo\\\\[1\\\\]\"");
        expect("false", "regex.globs_match", "\"[a-z]+\\\\[[0-9]+\\\\]\"", "\"foo[\\\"bar\\\"]\"");
        builtinError("input:pqrs], pos:5, set-close ']' with no preceding '[': the input provided is invalid",
                "regex.globs_match", "\"pqrs]\"", "\"[a-b]+\"");
    }

    @Test
    void glob() {
        expect("true", "glob.match", "\"*\"", "[\".\"]", "\"foo\"");
        expect("false", "glob.match", "\"*\"", "[\".\"]", "\"foo.bar\"");
        expect("false", "glob.match", "\"*\"", "[]", "\"foo.bar\"");
        expect("true", "glob.match", "\"*\"", "null", "\"foo.bar\"");
        expect("true", "glob.match", "\"*.github.com\"", "[\".\"]", "\"api.github.com\"");
        expect("false", "glob.match", "\"*.github.com\"", "[\".\"]", "\"api.not-github.com\"");
        expect("true", "glob.match", "\"*:github:com\"", "[\":\"]", "\"api:github:com\"");
        expect("false", "glob.match", "\"?at\"", "[\"f\"]", "\"fat\"");
        expect("true", "glob.match", "\"?at\"", "[\"f\"]", "\"bat\"");
        expect("false", "glob.match", "\"?at\"", "[]", "\"at\"");
        expect("true", "glob.match", "\"[!a-c]at\"", "[]", "\"fat\"");
        expect("false", "glob.match", "\"[abc]at\"", "[]", "\"fat\"");
        expect("true", "glob.match", "\"api.**.com\"", "[\".\"]", "\"api.cdn.github.com\"");
        expect("true", "glob.match", "\"{cat,bat,[fr]at}\"", "[]", "\"rat\"");
        expect("false", "glob.match", "\"{cat,bat,[fr]at}\"", "[]", "\"at\"");
        expect("true", "glob.match", "\"a\\\\*b\"", "[]", "\"a*b\"");
        expect("\"\\\\*.github.com\"", "glob.quote_meta", "\"*.github.com\"");
    }
}
