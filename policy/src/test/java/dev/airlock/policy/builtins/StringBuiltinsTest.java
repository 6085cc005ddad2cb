package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;

import org.junit.jupiter.api.Test;

class StringBuiltinsTest {
    @Test
    void basics() {
        expect("\"/foo/bar/0/baz\"", "concat", "\"/\"", "[\"\",\"foo\",\"bar\",\"0\",\"baz\"]");
        expectV(str("a,b"), "concat", str(","), set("\"b\"", "\"a\""));
        typeError("operand 2 must be array of strings but got array containing number", "concat", "\",\"", "[1]");
        typeError("operand 2 must be one of {set, array} but got string", "concat", "\",\"", "\"x\"");
        expect("true", "contains", "\"abcdefgh\"", "\"defg\"");
        expect("false", "startswith", "\"abcdefgh\"", "\"bcd\"");
        expect("true", "endswith", "\"abcdefgh\"", "\"fgh\"");
        expect("\"abcdef\"", "lower", "\"AbCdEf\"");
        expect("\"ABCDEF\"", "upper", "\"AbCdEf\"");
        typeError("operand 1 must be string but got number", "upper", "1");
    }

    @Test
    void formatInt() {
        expect("\"f\"", "format_int", "15.5", "16");
        expect("\"-f\"", "format_int", "-15.9", "16");
        expect("\"3\"", "format_int", "3.1", "10");
        expect("\"1010\"", "format_int", "10", "2");
        expect("\"18446744073709551617\"", "format_int", "18446744073709551617", "10");
        typeError("operand 2 must be one of {2, 8, 10, 16}", "format_int", "4.1", "199");
    }

    @Test
    void indexes() {
        expect("2", "indexof", "\"abcdefgh\"", "\"cde\"");
        expect("-1", "indexof", "\"abcdefgh\"", "\"xyz\"");
        expect("1", "indexof", "\"μx\"", "\"x\"");
        expect("4", "indexof", "\"🍧🍨🧁🍰🍮\"", "\"🍮\"");
        expect("9", "indexof", "\"skön var våren\"", "\"vår\"");
        expect("[3,9]", "indexof_n", "\"dogcatdogcat\"", "\"cat\"");
        expect("[1,3,5]", "indexof_n", "\"😇😀😇😀😇😀\"", "\"😀\"");
        builtinError("empty search character", "indexof", "\"abc\"", "\"\"");
    }

    @Test
    void substring() {
        expect("\"cde\"", "substring", "\"abcdefgh\"", "2", "3");
        expect("\"åä\"", "substring", "\"åäö\"", "0", "2");
        expect("\"äö\"", "substring", "\"aåäö\"", "2", "-1");
        expect("\"cdefghåäö\"", "substring", "\"abcdefghåäö\"", "2", "10000");
        expect("\"\"", "substring", "\"åäö\"", "4", "-1");
        builtinError("negative offset", "substring", "\"aaa\"", "-1", "-1");
    }

    @Test
    void splitReplaceTrim() {
        expect("[\"\"]", "split", "\"\"", "\".\"");
        expect("[\"t\",\"e\",\"s\",\"t\"]", "split", "\"test\"", "\"\"");
        expect("[]", "split", "\"\"", "\"\"");
        expect("[\"foo\",\"bar\",\"baz\"]", "split", "\"foo.bar.baz\"", "\".\"");
        expect("\"foo,,.bar\"", "replace", "\"foo...bar\"", "\"..\"", "\",,\"");
        expect("\"xaxbx\"", "replace", "\"ab\"", "\"\"", "\"x\"");
        expect("\"This is &lt;b&gt;HTML&lt;/b&gt;!\"", "strings.replace_n", "{\"<\":\"&lt;\",\">\":\"&gt;\"}", "\"This is <b>HTML</b>!\"");
        expect("\"xoobar\"", "strings.replace_n", "{\"f\":\"x\",\"foo\":\"xxx\"}", "\"foobar\"");
        typeError("operand 1 non-string value found in pattern object", "strings.replace_n", "{\"f\":100}", "\"foo\"");
        typeError("operand 2 must be string but got number", "strings.replace_n", "{\"f\":\"x\"}", "100");
        expect("\"oo.ba\"", "trim", "\"...foo.bar...\"", "\".fr\"");
        expect("\"foo, bar\"", "trim", "\"¡¡¡foo, bar!!!\"", "\"!¡\"");
        expect("\"foo, bar!!!\"", "trim_left", "\"¡¡¡foo, bar!!!\"", "\"!¡\"");
        expect("\"¡¡¡foo, bar\"", "trim_right", "\"¡¡¡foo, bar!!!\"", "\"!¡\"");
        expect("\", bar!!!\"", "trim_prefix", "\"¡¡¡foo, bar!!!\"", "\"¡¡¡foo\"");
        expect("\"¡¡¡foo\"", "trim_suffix", "\"¡¡¡foo, bar!!!\"", "\", bar!!!\"");
        expect("\"foo, bar\"", "trim_space", "\" \\t\\n foo, bar \\n\\t\\r\\n\"");
    }

    @Test
    void reverseAndCount() {
        expect("\"rab\"", "strings.reverse", "\"bar\"");
        expect("\"\\u20e3\\ufe0f2\"", "strings.reverse", "\"2\\ufe0f\\u20e3\"");
        expect("\"\\ud835\\udefe\\ud83d\\ude001\"", "strings.reverse", "\"1\\ud83d\\ude00\\ud835\\udefe\"");
        expect("3", "strings.count", "\"cheese\"", "\"e\"");
        expect("6", "strings.count", "\"dummy\"", "\"\"");
        expect("1", "strings.count", "\"\"", "\"\"");
        expect("2", "strings.count", "\"11111\"", "\"11\"");
    }

    @Test
    void affixMatches() {
        expect("true", "strings.any_prefix_match", "[\"a/b/c\",\"e/f/g\"]", "[\"a/\",\"d/\"]");
        expect("false", "strings.any_prefix_match", "[\"a/b/c\",\"e/f/g\"]", "[]");
        expect("true", "strings.any_prefix_match", "\"a/b/c\"", "\"a/\"");
        expect("true", "strings.any_suffix_match", "[\"a/b/c\"]", "\"/c\"");
        typeError("operand 1 must be array of strings but got array containing number", "strings.any_prefix_match", "[1]", "[\"f\"]");
        typeError("operand 2 must be one of {string, set, array} but got number", "strings.any_suffix_match", "[\"a\"]", "1");
    }

    @Test
    void sprintf() {
        expect("\"hi\"", "sprintf", "\"hi\"", "[]");
        expect("\"hi there\"", "sprintf", "\"hi %s\"", "[\"there\"]");
        expect("\"hi 05\"", "sprintf", "\"hi %02d\"", "[5]");
        expect("\"hi 7F.01\"", "sprintf", "\"hi %02X.%02X\"", "[127, 1]");
        expect("\"hi 3.14\"", "sprintf", "\"hi %.2f\"", "[3.1415]");
        expect("\"hi 2e308\"", "sprintf", "\"hi %v\"", "[2e308]");
        expect("\"hi true\"", "sprintf", "\"hi %s\"", "[true]");
        expect("\"hi [\\\"there\\\", 5, 3.14]\"", "sprintf", "\"hi %v\"", "[[\"there\", 5, 3.14]]");
        expect("\"123456789123456789123\"", "sprintf", "\"%s\"", "[123456789123456789123]");
        expect("\"%!s(int64=5)\"", "sprintf", "\"%s\"", "[5]");
        expect("\"%!d(string=x)\"", "sprintf", "\"%d\"", "[\"x\"]");
        expect("\"a %!s(MISSING)\"", "sprintf", "\"a %s\"", "[]");
        expect("\"a%!(EXTRA int64=1, string=b)\"", "sprintf", "\"a\"", "[1, \"b\"]");
        expect("\"1e+06 1.5 0.0001 1e-05\"", "sprintf", "\"%v %v %v %v\"", "[1000000.0, 1.5, 0.0001, 0.00001]");
        expect("\"1.234560e+03|1.23456E+03|   42|42   |+42|%\"", "sprintf", "\"%e|%.5E|%5d|%-5d|%+d|%%\"", "[1234.56, 1234.56, 42, 42, 42]");
        expect("\"\\\"q\\\\n\\\" 6869 b a\"", "sprintf", "\"%q %x %[3]s %[4]s\"", "[\"q\\n\", \"hi\", \"b\", \"a\"]");
        expect("\"3.14 3.1 1e+02\"", "sprintf", "\"%g %.2g %.1g\"", "[3.14, 3.14, 123.0]");
    }

    @Test
    void renderTemplate() {
        expect("\"hello world\"", "strings.render_template", "\"{{.test}}\"", "{\"test\":\"hello world\"}");
        expect("\"2023\"", "strings.render_template", "\"{{.test}}\"", "{\"test\":2023}");
        expect("\"hello rohan,hello john doe\"", "strings.render_template",
                "\"{{range $i, $name := .hellonames}}{{if $i}},{{end}}hello {{$name}}{{end}}\"",
                "{\"hellonames\":[\"rohan\",\"john doe\"]}");
        expect("\"test <undefined> <undefined> 1\"", "strings.render_template", "\"test {{.foo}} {{.bar}} {{.baz}}\"", "{\"baz\":1}");
        expect("\"b\"", "strings.render_template", "\"{{if eq .x 1}}a{{else if eq .x 2}}b{{else}}c{{end}}\"", "{\"x\":2}");
        expect("\"x=1;\"", "strings.render_template", "\"{{- range $k, $v := .m -}} {{$k}}={{$v}}; {{- end}}\"", "{\"m\":{\"x\":1}}");
    }
}
