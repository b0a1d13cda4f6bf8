package org.mniststream.app.judge;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import org.mniststream.schemas.RolloutPolicy;
import org.mniststream.schemas.RolloutStage;
import org.mniststream.schemas.json.JsonCodec;

/**
 * A rollout policy as an operator writes it: a JSON file whose fields are exactly those of the Avro
 * {@code RolloutPolicy} and {@code RolloutStage} records ({@code docs/policies/default.json} is
 * {@link RolloutPolicies#defaultPolicy()}). An omitted field takes the Avro default; an unknown
 * field, a value of the wrong type or a file that is not JSON is an {@link Invalid} with one line
 * that names the file and the problem. Whether the policy makes sense is {@link
 * RolloutPolicies#problems}' business, not this reader's.
 *
 * <p>The tree is walked by hand rather than bound to classes, because binding would accept what a
 * policy must not say: {@code "percent": "10"} or {@code 1.5} quietly read as 10 and 1.
 */
public final class PolicyFile {
  /** A policy is a few hundred bytes; anything this large is not one. */
  static final int MAX_BYTES = 64 * 1024;

  private static final Set<String> POLICY_FIELDS =
      Set.of("stages", "maxAccuracyDrop", "alpha", "maxP99IncreaseMs", "onTimeout");
  private static final Set<String> STAGE_FIELDS =
      Set.of("name", "route", "percent", "minLabelled", "timeoutMs");

  private static final ObjectReader READER =
      JsonCodec.untrustedReader(
          StreamReadConstraints.builder()
              .maxDocumentLength(MAX_BYTES)
              .maxNestingDepth(16)
              .maxStringLength(4096)
              .maxNumberLength(64)
              .build());

  private PolicyFile() {}

  /** The file is missing, unreadable, not JSON, or not shaped like a policy. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /**
   * Reads {@code file} into a policy (not yet checked against {@link RolloutPolicies#problems}).
   */
  public static RolloutPolicy read(Path file) throws Invalid {
    String where = "policy file " + file;
    String json;
    try {
      if (Files.isDirectory(file)) {
        throw new Invalid(where + ": is a directory");
      }
      if (Files.size(file) > MAX_BYTES) {
        throw new Invalid(where + ": larger than " + MAX_BYTES + " bytes, not a policy");
      }
      // the decoder reports malformed input instead of replacing it
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .decode(ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (NoSuchFileException e) {
      throw new Invalid(where + ": no such file");
    } catch (AccessDeniedException e) {
      throw new Invalid(where + ": permission denied");
    } catch (CharacterCodingException e) {
      throw new Invalid(where + ": not UTF-8 text");
    } catch (IOException e) {
      throw new Invalid(where + ": cannot read it (" + e.getMessage() + ")");
    }
    return parse(json, where);
  }

  /** Parses {@code json}; {@code where} starts every problem's line. */
  public static RolloutPolicy parse(String json, String where) throws Invalid {
    JsonNode root;
    try {
      root = READER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new Invalid(where + ": not valid JSON" + at(e.getLocation()) + ": " + firstLine(e));
    }
    if (root == null || root.isMissingNode()) {
      throw new Invalid(where + ": empty, a policy is a JSON object");
    }
    return policy(root, where);
  }

  private static RolloutPolicy policy(JsonNode root, String where) throws Invalid {
    expectObject(root, where, "the policy");
    unknownFields(root, POLICY_FIELDS, where, "");
    RolloutPolicy.Builder b = RolloutPolicy.newBuilder();
    JsonNode stages = root.get("stages");
    if (stages == null) {
      throw new Invalid(where + ": 'stages' is missing (a policy needs its stages)");
    }
    if (!stages.isArray()) {
      throw new Invalid(where + ": 'stages' must be an array, got " + kind(stages));
    }
    List<RolloutStage> list = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      list.add(stage(stages.get(i), where, "stages[" + i + "]"));
    }
    b.setStages(list);
    if (root.has("maxAccuracyDrop")) {
      b.setMaxAccuracyDrop(number(root.get("maxAccuracyDrop"), where, "maxAccuracyDrop"));
    }
    if (root.has("alpha")) {
      b.setAlpha(number(root.get("alpha"), where, "alpha"));
    }
    if (root.has("maxP99IncreaseMs")) {
      JsonNode p99 = root.get("maxP99IncreaseMs");
      // null is meaningful here: latency is not judged
      b.setMaxP99IncreaseMs(p99.isNull() ? null : integer(p99, where, "maxP99IncreaseMs"));
    }
    if (root.has("onTimeout")) {
      b.setOnTimeout(text(root.get("onTimeout"), where, "onTimeout"));
    }
    return b.build();
  }

  private static RolloutStage stage(JsonNode node, String where, String path) throws Invalid {
    expectObject(node, where, "'" + path + "'");
    unknownFields(node, STAGE_FIELDS, where, path + ".");
    RolloutStage.Builder b = RolloutStage.newBuilder();
    for (String required : List.of("name", "route")) {
      if (!node.has(required)) {
        throw new Invalid(where + ": '" + path + "." + required + "' is missing");
      }
    }
    b.setName(text(node.get("name"), where, path + ".name"));
    b.setRoute(text(node.get("route"), where, path + ".route"));
    if (node.has("percent")) {
      long percent = integer(node.get("percent"), where, path + ".percent");
      if (percent < Integer.MIN_VALUE || percent > Integer.MAX_VALUE) {
        throw new Invalid(where + ": '" + path + ".percent' is out of range, got " + percent);
      }
      b.setPercent((int) percent);
    }
    if (node.has("minLabelled")) {
      b.setMinLabelled(integer(node.get("minLabelled"), where, path + ".minLabelled"));
    }
    if (node.has("timeoutMs")) {
      b.setTimeoutMs(integer(node.get("timeoutMs"), where, path + ".timeoutMs"));
    }
    return b.build();
  }

  private static void expectObject(JsonNode node, String where, String what) throws Invalid {
    if (!node.isObject()) {
      throw new Invalid(where + ": " + what + " must be a JSON object, got " + kind(node));
    }
  }

  private static void unknownFields(JsonNode node, Set<String> known, String where, String prefix)
      throws Invalid {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new Invalid(
            where
                + ": unknown field '"
                + prefix
                + name
                + "' (known: "
                + String.join(", ", known.stream().sorted().toList())
                + ")");
      }
    }
  }

  private static String text(JsonNode node, String where, String path) throws Invalid {
    if (!node.isTextual()) {
      throw new Invalid(where + ": '" + path + "' must be a string, got " + kind(node));
    }
    return node.textValue();
  }

  private static long integer(JsonNode node, String where, String path) throws Invalid {
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw new Invalid(where + ": '" + path + "' must be a whole number, got " + kind(node));
    }
    return node.longValue();
  }

  private static double number(JsonNode node, String where, String path) throws Invalid {
    if (!node.isNumber()) {
      throw new Invalid(where + ": '" + path + "' must be a number, got " + kind(node));
    }
    return node.doubleValue();
  }

  private static String kind(JsonNode node) {
    if (node.isNull()) {
      return "null";
    }
    if (node.isTextual()) {
      return "the string \"" + node.textValue() + "\"";
    }
    if (node.isNumber() || node.isBoolean()) {
      return node.asText();
    }
    return node.isArray() ? "an array" : "an object";
  }

  private static String at(JsonLocation location) {
    return location == null || location.getLineNr() < 0
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  private static String firstLine(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    int newline = message == null ? -1 : message.indexOf('\n');
    return message == null
        ? e.getClass().getSimpleName()
        : message.substring(0, newline < 0 ? message.length() : newline);
  }

  /**
   * The policy in one line: {@code shadow(SHADOW, 1000 pairs, 30m) > canary-10(CANARY 10%, 500
   * pairs, 30m) > ... > active(ACTIVE); max drop 1.00 pts, alpha 0.05, p99 +500 ms, on timeout
   * ROLLBACK}.
   */
  public static String describe(RolloutPolicy policy) {
    StringJoiner stages = new StringJoiner(" > ");
    for (RolloutStage s : policy.getStages()) {
      stages.add(describe(s));
    }
    return stages
        + String.format(
            Locale.ROOT,
            "; max drop %.2f pts, alpha %s, %s, on timeout %s",
            policy.getMaxAccuracyDrop() * 100,
            policy.getAlpha(),
            policy.getMaxP99IncreaseMs() == null
                ? "p99 not judged"
                : "p99 +" + policy.getMaxP99IncreaseMs() + " ms",
            policy.getOnTimeout());
  }

  /** One stage: {@code canary-10(CANARY 10%, 500 pairs, 30m)}; an ACTIVE stage is its route. */
  public static String describe(RolloutStage s) {
    if (RolloutPolicies.ACTIVE.equals(s.getRoute())) {
      return s.getName() + "(" + s.getRoute() + ")";
    }
    return s.getName()
        + "("
        + s.getRoute()
        + (RolloutPolicies.CANARY.equals(s.getRoute()) ? " " + s.getPercent() + "%" : "")
        + ", "
        + s.getMinLabelled()
        + " pairs, "
        + duration(s.getTimeoutMs())
        + ")";
  }

  /** {@code 30m}, {@code 2h}, {@code 45s}, {@code 1500ms}: the largest unit that is exact. */
  static String duration(long ms) {
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
