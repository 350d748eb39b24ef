package com.optimagrowth.license;

import java.util.Map;
import java.util.Optional;

/** Licenses by organization and id (in-memory sample data of the O-stock application). */
public final class LicenseRepository {
  private final Map<String, License> licenses;

  public LicenseRepository(Map<String, License> licenses) {
    this.licenses = Map.copyOf(licenses);
  }

  public static LicenseRepository sample() {
    License ostock = new License(
        "f2a9c9d4-d2c0-44fa-97fe-724d77173c62",
        "d898a142-de44-466c-8c88-9ceb2c2429d3",
        "Ostock",
        "complete",
        "Software product");
    License ostockTrial = new License(
        "279709ff-e6d5-4a54-8b55-a5c37542025b",
        "d898a142-de44-466c-8c88-9ceb2c2429d3",
        "Ostock",
        "trial",
        "Trial of the software product");
    return new LicenseRepository(Map.of(
        key(ostock.organizationId(), ostock.licenseId()), ostock,
        key(ostockTrial.organizationId(), ostockTrial.licenseId()), ostockTrial));
  }

  public Optional<License> find(String organizationId, String licenseId) {
    return Optional.ofNullable(licenses.get(key(organizationId, licenseId)));
  }

  private static String key(String organizationId, String licenseId) {
    return organizationId + "/" + licenseId;
  }
}
