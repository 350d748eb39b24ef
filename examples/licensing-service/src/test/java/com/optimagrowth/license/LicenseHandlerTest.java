package com.optimagrowth.license;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The handlers' routing and answers, without a server. */
class LicenseHandlerTest {
  static final String ORG = "d898a142-de44-466c-8c88-9ceb2c2429d3";
  static final String LICENSE = "f2a9c9d4-d2c0-44fa-97fe-724d77173c62";

  final LicenseHandler handler = new LicenseHandler(LicenseRepository.sample(), "test");

  @Test
  void answersTheLicenseWithTheProfileAsComment() {
    var response = handler.respond("GET", "/v1/organization/" + ORG + "/license/" + LICENSE);
    assertEquals(200, response.status());
    assertEquals("{\"licenseId\":\"" + LICENSE + "\",\"organizationId\":\"" + ORG + "\","
        + "\"productName\":\"Ostock\",\"licenseType\":\"complete\",\"description\":\"Software product\","
        + "\"comment\":\"profile test\"}", response.body());
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "GET,    /v1/organization/" + ORG + "/license/" + LICENSE + ", 200",
    "HEAD,   /v1/organization/" + ORG + "/license/" + LICENSE + ", 200",
    "GET,    /v1/organization/" + ORG + "/license/unknown-1, 404",
    "GET,    /v1/organization/other-org/license/" + LICENSE + ", 404",
    "GET,    /v1/organization/" + ORG + "/license/, 404",
    "GET,    /v1/organization/" + ORG + "/license/" + LICENSE + "/extra, 404",
    "GET,    /v1/organization/../license/x, 404",
    "GET,    /v1/organization/a_b/license/x, 404",
    "DELETE, /v1/organization/" + ORG + "/license/" + LICENSE + ", 405",
    "POST,   /v1/organization/" + ORG + "/license/" + LICENSE + ", 405",
  })
  void routesLicenseRequests(String method, String path, int status) {
    assertEquals(status, handler.respond(method, path).status());
  }

  @Test
  void answersUnknownLicensesWithAJsonError() {
    var response = handler.respond("GET", "/v1/organization/" + ORG + "/license/unknown-1");
    assertEquals("{\"status\":404,\"error\":\"license unknown-1 of organization " + ORG + " not found\"}",
        response.body());
  }

  @ParameterizedTest(name = "{0} {1} while up={2} -> {3}")
  @CsvSource({
    "GET,  /actuator/health,        true,  200, '{\"status\":\"UP\"}'",
    "HEAD, /actuator/health,        true,  200, '{\"status\":\"UP\"}'",
    "GET,  /actuator/health,        false, 503, '{\"status\":\"DOWN\"}'",
    "POST, /actuator/health,        true,  405, '{\"status\":405,\"error\":\"method POST not allowed; use GET\"}'",
    "GET,  /actuator/healthz,       true,  404, '{\"status\":404,\"error\":\"no such resource: /actuator/healthz\"}'",
    "GET,  /actuator/health/extra,  true,  404, '{\"status\":404,\"error\":\"no such resource: /actuator/health/extra\"}'",
  })
  void answersHealth(String method, String path, boolean up, int status, String body) {
    var response = new HealthHandler(() -> up).respond(method, path);
    assertEquals(status, response.status());
    assertEquals(body, response.body());
  }

  @Test
  void repositoryFindsByOrganizationAndLicense() {
    var repository = LicenseRepository.sample();
    assertEquals("trial", repository.find(ORG, "279709ff-e6d5-4a54-8b55-a5c37542025b").orElseThrow().licenseType());
    assertEquals(true, repository.find(ORG, "no-such-license").isEmpty());
    assertEquals(true, repository.find("other-org", LICENSE).isEmpty());
  }

  @Test
  void repositoryKeepsItsOwnCopy() {
    var licenses = new java.util.HashMap<String, License>();
    licenses.put("o/l", new License("l", "o", "p", "t", "d"));
    var repository = new LicenseRepository(licenses);
    licenses.clear();
    assertEquals("p", repository.find("o", "l").orElseThrow().productName());
    assertEquals(true, new LicenseRepository(Map.of()).find("o", "l").isEmpty());
  }
}
