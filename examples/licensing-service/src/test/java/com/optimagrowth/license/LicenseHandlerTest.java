package com.optimagrowth.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LicenseHandlerTest {
  static final String ORG = "d898a142-de44-466c-8c88-9ceb2c2429d3";
  static final String LICENSE = "f2a9c9d4-d2c0-44fa-97fe-724d77173c62";

  static LicensingApplication app;
  static int port;
  static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    app = new LicensingApplication(Config.fromEnvironment(Map.of("PORT", "0", "APP_PROFILE", "test")), LicenseRepository.sample());
    port = app.start();
  }

  @AfterAll
  static void stop() {
    app.stop();
  }

  static HttpResponse<String> call(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void returnsTheLicenseAsJson() throws Exception {
    var response = call("GET", "/v1/organization/" + ORG + "/license/" + LICENSE);
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    assertTrue(response.body().contains("\"licenseId\":\"" + LICENSE + "\""));
    assertTrue(response.body().contains("\"productName\":\"Ostock\""));
    assertTrue(response.body().contains("\"comment\":\"profile test\""));
  }

  @Test
  void answers404ForAnUnknownLicense() throws Exception {
    var response = call("GET", "/v1/organization/" + ORG + "/license/unknown-1");
    assertEquals(404, response.statusCode());
    assertTrue(response.body().contains("not found"));
  }

  @Test
  void answers405ForOtherMethods() throws Exception {
    var response = call("DELETE", "/v1/organization/" + ORG + "/license/" + LICENSE);
    assertEquals(405, response.statusCode());
    assertEquals("GET", response.headers().firstValue("Allow").orElse(""));
  }

  @Test
  void healthIsUpWhileRunning() throws Exception {
    var response = call("GET", "/actuator/health");
    assertEquals(200, response.statusCode());
    assertEquals("{\"status\":\"UP\"}", response.body());
  }

  @Test
  void routesOnlyWellFormedPaths() {
    var handler = new LicenseHandler(LicenseRepository.sample(), "p");
    assertEquals(404, handler.respond("GET", "/v1/organization/" + ORG + "/license/").status());
    assertEquals(404, handler.respond("GET", "/v1/organization/../license/x").status());
    assertEquals(200, handler.respond("GET", "/v1/organization/" + ORG + "/license/" + LICENSE).status());
  }

  @Test
  void healthIsDownWhenStopping() {
    assertEquals(503, new HealthHandler(() -> false).respond("GET").status());
    assertEquals(405, new HealthHandler(() -> true).respond("POST").status());
  }
}
