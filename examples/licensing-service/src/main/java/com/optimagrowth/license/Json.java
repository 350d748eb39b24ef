package com.optimagrowth.license;

/** The little JSON writing this service needs: string fields, escaped per RFC 8259. */
final class Json {
  private Json() {}

  static String field(String name, String value) {
    return quote(name) + ":" + quote(value);
  }

  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  static String error(int status, String message) {
    return "{\"status\":" + status + "," + field("error", message) + "}";
  }
}
