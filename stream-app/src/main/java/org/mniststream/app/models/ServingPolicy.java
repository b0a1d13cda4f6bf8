package org.mniststream.app.models;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * Which valid versions may never serve, whatever a rollout says: those signed by a revoked key (the
 * trusted-keys topic) and those below the downgrade floor ({@code model.min-version}). A pure value
 * beside {@link RoutingPlan}: the registry takes the versions this policy blocks out of the valid
 * ones before it decides the routes, so a pin to a blocked version falls back exactly as a pin to a
 * refused one does, and the fallback never picks a blocked version.
 *
 * @param minVersion versions below it never serve; 0 = no floor
 * @param revokedKeys revoked key id to the operator's reason (possibly empty)
 */
public record ServingPolicy(long minVersion, Map<String, String> revokedKeys) {
  public static final ServingPolicy NONE = new ServingPolicy(0, Map.of());

  public ServingPolicy {
    if (minVersion < 0) {
      throw new IllegalArgumentException("the floor must be >= 0, got " + minVersion);
    }
    revokedKeys = Map.copyOf(revokedKeys);
  }

  /** The valid versions split into those that may serve and those blocked, with the reason. */
  public record Split(NavigableSet<Long> eligible, Map<Long, String> blocked) {}

  public ServingPolicy withFloor(long floor) {
    return new ServingPolicy(floor, revokedKeys);
  }

  public ServingPolicy revoke(String keyId, String reason) {
    Map<String, String> keys = new LinkedHashMap<>(revokedKeys);
    keys.put(keyId, reason == null ? "" : reason);
    return new ServingPolicy(minVersion, keys);
  }

  /** The key is no longer revoked (trusted again, or its record was deleted). */
  public ServingPolicy reinstate(String keyId) {
    Map<String, String> keys = new LinkedHashMap<>(revokedKeys);
    keys.remove(keyId);
    return new ServingPolicy(minVersion, keys);
  }

  /**
   * Why {@code version} may not serve; empty when it may.
   *
   * @param signers the key ids the version is tied to: the one it declares and the trusted one that
   *     verifies it (either revoked blocks it: fail closed)
   */
  public Optional<String> blocks(long version, Collection<String> signers) {
    if (version < minVersion) {
      return Optional.of("below the floor model.min-version=" + minVersion);
    }
    for (String key : signers) {
      if (key != null && revokedKeys.containsKey(key)) {
        String reason = revokedKeys.get(key);
        return Optional.of(
            "signed by revoked key " + key + (reason.isBlank() ? "" : " (" + reason + ")"));
      }
    }
    return Optional.empty();
  }

  /** Splits {@code valid}; {@code signersOf} gives each version's key ids (see {@link #blocks}). */
  public Split split(NavigableSet<Long> valid, LongFunction<Collection<String>> signersOf) {
    NavigableSet<Long> eligible = new TreeSet<>();
    Map<Long, String> blocked = new TreeMap<>();
    for (long v : valid) {
      Optional<String> why = blocks(v, signersOf.apply(v));
      if (why.isPresent()) {
        blocked.put(v, why.get());
      } else {
        eligible.add(v);
      }
    }
    return new Split(eligible, blocked);
  }
}
