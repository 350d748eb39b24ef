package com.optimagrowth.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The service over real HTTP: started on a free port (PORT=0) and called with java.net.http. */
class LicensingApplicationTest {
  static final String ORG = LicenseHandlerTest.ORG;
  static final String LICENSE = LicenseHandlerTest.LICENSE;
  static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static LicensingApplication app;
  static int port;

  @BeforeAll
  static void start() throws IOException {
    app = new LicensingApplication(
        Config.fromEnvironment(Map.of("PORT", "0", "APP_PROFILE", "test")), LicenseRepository.sample());
    port = app.start();
  }

  @AfterAll
  static void stop() {
    app.stop(0);
  }

  static HttpResponse<String> call(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .timeout(Duration.ofSeconds(10))
        .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesTheLicenseAsJson() throws Exception {
    var response = call("GET", "/v1/organization/" + ORG + "/license/" + LICENSE);
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().startsWith("{\"licenseId\":\"" + LICENSE + "\""), response.body());
    assertTrue(response.body().endsWith("\"comment\":\"profile test\"}"), response.body());
  }

  @ParameterizedTest(name = "{0} {1} -> {2} JSON")
  @CsvSource({
    "GET,    /v1/organization/" + ORG + "/license/unknown-1, 404, license unknown-1 of organization",
    "GET,    /, 404, no such resource: /",
    "GET,    /v2/anything, 404, no such resource: /v2/anything",
    "GET,    /actuator/healthz, 404, no such resource: /actuator/healthz",
    "DELETE, /v1/organization/" + ORG + "/license/" + LICENSE + ", 405, method DELETE not allowed",
    "PUT,    /actuator/health, 405, method PUT not allowed",
  })
  void answersErrorsAsJson(String method, String path, int status, String message) throws Exception {
    var response = call(method, path);
    assertEquals(status, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().startsWith("{\"status\":" + status + ",\"error\":\"" + message), response.body());
    if (status == 405) {
      assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
    }
  }

  @Test
  void reportsReadinessWhileRunning() throws Exception {
    var response = call("GET", "/actuator/health");
    assertEquals(200, response.statusCode());
    assertEquals("{\"status\":\"UP\"}", response.body());
    assertTrue(app.isUp());
  }

  @Test
  void answersHeadWithHeadersOnly() throws Exception {
    var response = call("HEAD", "/actuator/health");
    assertEquals(200, response.statusCode());
    assertEquals("", response.body());
  }

  @Test
  void stopsGracefully() throws Exception {
    var other = new LicensingApplication(Config.fromEnvironment(Map.of("PORT", "0")), LicenseRepository.sample());
    int otherPort = other.start();
    assertTrue(other.isUp());
    other.stop(0);
    assertFalse(other.isUp());
    var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + otherPort + "/actuator/health"))
        .timeout(Duration.ofSeconds(5))
        .build();
    assertThrows(IOException.class, () -> client.send(request, HttpResponse.BodyHandlers.ofString()));
  }
}
