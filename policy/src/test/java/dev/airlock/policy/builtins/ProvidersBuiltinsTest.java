package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.policy.value.ObjectValue;
import org.junit.jupiter.api.Test;

/** SigV4 vectors from the conformance suite's providers-aws cases. */
class ProvidersBuiltinsTest {
    private static final String CONFIG = "{\"aws_access_key\":\"MYAWSACCESSKEYGOESHERE\",\"aws_secret_access_key\":\"MYAWSSECRETACCESSKEYGOESHERE\","
            + "\"aws_service\":\"s3\",\"aws_region\":\"us-east-1\"%s}";
    private static final String TIME = "1451311705000000000";

    private static String auth(String req, String extraConfig) throws BuiltinException {
        ObjectValue out = (ObjectValue) callJ("providers.aws.sign_req", req, CONFIG.formatted(extraConfig), TIME);
        return ((ObjectValue) out.get("headers")).get("Authorization").toString();
    }

    private static String signature(String req, String extraConfig) throws BuiltinException {
        String a = auth(req, extraConfig);
        return a.substring(a.indexOf("Signature=") + 10, a.length() - 1);
    }

    @Test
    void simpleRequests() throws BuiltinException {
        expect("{\"headers\":{\"Authorization\":\"AWS4-HMAC-SHA256 Credential=MYAWSACCESSKEYGOESHERE/20151228/us-east-1/s3/aws4_request,"
                        + "SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=0047a7016c81e5c7f29cd522f97e911e04fc472fced0aee7916cbc287ad6c8e3\","
                        + "\"host\":\"example.com\",\"x-amz-content-sha256\":\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\","
                        + "\"x-amz-date\":\"20151228T140825Z\"},\"method\":\"get\",\"url\":\"http://example.com\"}",
                "providers.aws.sign_req", "{\"method\":\"get\",\"url\":\"http://example.com\"}", CONFIG.formatted(""), TIME);
        assertEquals("8f1dc7c9b9978356a0d0989fd26a95307f4f8a4aa264d8220647b7097d839952",
                signature("{\"method\":\"get\",\"url\":\"http://example.com\",\"headers\":{\"foo\":\"bar\"}}", ""));
        assertEquals("23c31bda8a74630c0a94f6b82a3511e7e74728df98e6f54ed0840488dbbdc8d1",
                signature("{\"method\":\"get\",\"url\":\"http://example.com\"}", ",\"aws_session_token\":\"MYAWSSECURITYTOKENGOESHERE\""));
        assertEquals("5fb06ab1cfd74c8fcb3af95b8cce696708cf6155d971dac10f254d79799c6e88",
                signature("{\"method\":\"get\",\"url\":\"http://example.com\",\"body\":{\"example\":[1,2,3,4]}}", ""));
        assertEquals("5bf26e169cb8b02330dba39d53932532438fc856c2f10537689a09ed807c7195",
                signature("{\"method\":\"get\",\"url\":\"http://example.com\",\"raw_body\":\"{\\\"example\\\": {1, 2, 3, 4}}\"}", ""));
        assertEquals("c6e6db654e92172f71e18c714c123711de069ac6fd7df1348e5b28fd05532028",
                signature("{\"method\":\"get\",\"url\":\"https://example.com\",\"headers\":{\"foo\":\"bar\"}}", ",\"disable_payload_signing\":true"));
    }

    @Test
    void existingShaHeader() throws BuiltinException {
        String req = "{\"method\":\"get\",\"url\":\"https://example.com\",\"headers\":{\"foo\":\"bar\",\"x-amz-content-sha256\":\"existing-value\"},"
                + "\"body\":{\"example\":[1,2,3,4]}}";
        assertEquals("42bcac7fc6d170e09be72fdf38b62e59361265bc59d5f9156f0d6faf889e98ba", signature(req, ",\"disable_payload_signing\":false"));
        assertEquals("edcd3ca3fd3acdfbcecad1a1d8062dbc6562d90352e294c336f9727397f9c383", signature(req, ",\"disable_payload_signing\":true"));
    }

    @Test
    void errors() {
        typeError("operand 1 missing required request parameters(s): {\"method\", \"url\"}", "providers.aws.sign_req", "{}", CONFIG.formatted(""), TIME);
        typeError("operand 2 missing required AWS config parameters(s): {\"aws_access_key\", \"aws_region\", \"aws_secret_access_key\", \"aws_service\"}",
                "providers.aws.sign_req", "{\"method\":\"get\",\"url\":\"http://example.com\"}", "{\"example\":\"example\"}", TIME);
        typeError("operand 3 could not convert time_ns value into a unix timestamp", "providers.aws.sign_req",
                "{\"method\":\"get\",\"url\":\"http://example.com\"}", CONFIG.formatted(""), "-1e9");
        typeError("operand 2 invalid value for 'disable_payload_signing' in AWS config", "providers.aws.sign_req",
                "{\"method\":\"get\",\"url\":\"http://example.com\"}", CONFIG.formatted(",\"disable_payload_signing\":\"false\""), TIME);
    }
}
