package com.optimagrowth.license;

import com.optimagrowth.license.Responses.Response;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** GET /v1/organization/{organizationId}/license/{licenseId} */
public final class LicenseHandler implements HttpHandler {
  static final Pattern PATH =
      Pattern.compile("^/v1/organization/([A-Za-z0-9-]{1,64})/license/([A-Za-z0-9-]{1,64})$");

  private final LicenseRepository repository;
  private final String profile;

  public LicenseHandler(LicenseRepository repository, String profile) {
    this.repository = repository;
    this.profile = profile;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Response response = respond(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
    Log.debug(() -> exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " -> " + response.status());
    Responses.send(exchange, response);
  }

  /** The routing and lookup, apart from the HTTP plumbing, so it can be tested directly. */
  Response respond(String method, String path) {
    Matcher match = PATH.matcher(path);
    if (!match.matches()) {
      return Response.error(404, "no such resource: " + path);
    }
    if (!Responses.readMethod(method)) {
      return Responses.methodNotAllowed(method);
    }
    String organizationId = match.group(1);
    String licenseId = match.group(2);
    return repository
        .find(organizationId, licenseId)
        .map(license -> new Response(200, license.toJson("profile " + profile)))
        .orElseGet(() -> Response.error(404,
            "license " + licenseId + " of organization " + organizationId + " not found"));
  }
}
