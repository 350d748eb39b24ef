package com.optimagrowth.license;

/** A software license an organization holds. */
public record License(
    String licenseId, String organizationId, String productName, String licenseType, String description) {

  public String toJson(String comment) {
    return "{"
        + Json.field("licenseId", licenseId) + ","
        + Json.field("organizationId", organizationId) + ","
        + Json.field("productName", productName) + ","
        + Json.field("licenseType", licenseType) + ","
        + Json.field("description", description) + ","
        + Json.field("comment", comment)
        + "}";
  }
}
