package com.optimagrowth.license;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** JSON responses: a status and a body, written with the headers every answer carries. */
final class Responses {
  private Responses() {}

  record Response(int status, String body) {
    static Response error(int status, String message) {
      return new Response(status, Json.error(status, message));
    }
  }

  static Response methodNotAllowed(String method) {
    return Response.error(405, "method " + method + " not allowed; use GET");
  }

  static boolean readMethod(String method) {
    return "GET".equals(method) || "HEAD".equals(method);
  }

  /** Sends the response; a HEAD request gets the headers only, as HTTP wants. */
  static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (response.status() == 405) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
    }
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(body);
      }
    }
  }
}
