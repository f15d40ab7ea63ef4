package io.tokenguard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Of a URL only scheme, host, port and path are ever printed (issue 10 §8: passwords with '/', ' ' or '@' leaked). */
class SafeTextTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "plain userinfo          | https://u:s3cr3t@idp.example/token           | https://***@idp.example/token",
        "password with a slash   | https://u:s3/cr3t@idp.example/token          | https://***@idp.example/token",
        "password with a space   | https://u:s3 cr3t@idp.example/token          | https://***@idp.example/token",
        "password with an @      | https://u:s3@cr3t@idp.example:8443/token     | https://***@idp.example:8443/token",
        "query with a key        | http://127.0.0.1:4318/v1/metrics?api_key=s3cr3t | http://127.0.0.1:4318/v1/metrics?***",
        "fragment                | https://idp.example/token#s3cr3t             | https://idp.example/token?***",
        "two URLs in a list      | https://a:s3cr3t@x.example/t?k=s3cr3t,https://y.example/t | https://***@x.example/t?***",
        "no scheme               | u:s3cr3t@idp.example:4318/v1             | ***@idp.example:4318/v1",
        "scheme-like password    | https://u:s3cr3t://x@idp.example/t          | https://***@idp.example/t",
        "no URL at all           | 5-per-minute                                 | 5-per-minute",
        "a URL inside a sentence | bad url=https://u:s3cr3t@h/p                 | bad url=https://***@h/p"})
    void secretsOfAUrlAreNeverPrinted(String name, String text, String printed) {
        String safe = SafeText.withoutUrlSecrets(text);
        assertThat(safe).isEqualTo(printed);
        assertThat(safe).doesNotContain("s3cr3t").doesNotContain("cr3t");
    }
}
