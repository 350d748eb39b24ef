package com.optimagrowth.license;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GET /v1/organization/{organizationId}/license/{licenseId} */
public final class LicenseHandler implements HttpHandler {
  static final Pattern PATH =
      Pattern.compile("^/v1/organization/([A-Za-z0-9-]{1,64})/license/([A-Za-z0-9-]{1,64})$");
  private static final Logger LOG = Logger.getLogger(LicenseHandler.class.getName());

  private final LicenseRepository repository;
  private final String profile;

  public LicenseHandler(LicenseRepository repository, String profile) {
    this.repository = repository;
    this.profile = profile;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Response response = respond(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
    LOG.fine(() -> exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " -> " + response.status());
    send(exchange, response);
  }

  /** The routing and lookup, apart from the HTTP plumbing, so it can be tested directly. */
  Response respond(String method, String path) {
    Matcher match = PATH.matcher(path);
    if (!match.matches()) {
      return new Response(404, Json.error(404, "no such resource: " + path));
    }
    if (!"GET".equals(method)) {
      return new Response(405, Json.error(405, "method " + method + " not allowed; use GET"));
    }
    return repository
        .find(match.group(1), match.group(2))
        .map(license -> new Response(200, license.toJson("profile " + profile)))
        .orElseGet(() -> new Response(404, Json.error(404,
            "license " + match.group(2) + " of organization " + match.group(1) + " not found")));
  }

  static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (response.status() == 405) {
      exchange.getResponseHeaders().set("Allow", "GET");
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  record Response(int status, String body) {}
}
