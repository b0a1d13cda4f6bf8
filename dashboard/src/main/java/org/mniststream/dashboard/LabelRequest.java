package org.mniststream.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.mniststream.schemas.json.JsonCodec;

/**
 * The body of {@code POST /api/review/label} and {@code POST /api/draw/label}: {@code {"eventId":
 * "...", "label": 0-9}}, checked before anything is produced. The event id must also be one the
 * panel knows (a review request it shows, a digit drawn on it); the server checks that.
 */
final class LabelRequest {
  static final int MAX_BODY_BYTES = 1024;
  static final int MAX_EVENT_ID_LENGTH = 200;

  private static final ObjectReader READER =
      JsonCodec.untrustedReader(
          StreamReadConstraints.builder()
              .maxNestingDepth(2)
              .maxNameLength(32)
              .maxNumberLength(8)
              .maxStringLength(MAX_BODY_BYTES)
              .maxDocumentLength(MAX_BODY_BYTES)
              .build());

  private LabelRequest() {}

  /** A person's answer: image event {@code eventId} shows digit {@code label}. */
  record Label(String eventId, int label) {}

  /** A body the endpoints refuse, with a message for the caller. */
  static final class InvalidLabelException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidLabelException(String message) {
      super(message);
    }
  }

  static Label parse(byte[] body) throws InvalidLabelException {
    if (body == null || body.length == 0) {
      throw new InvalidLabelException("empty body: send {\"eventId\": \"...\", \"label\": 0-9}");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new InvalidLabelException("body larger than " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode json;
    try {
      json = READER.readTree(new ByteArrayInputStream(body));
    } catch (IOException e) {
      throw new InvalidLabelException(
          "body is not JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (json == null || !json.isObject()) {
      throw new InvalidLabelException("expected {\"eventId\": \"...\", \"label\": 0-9}");
    }
    JsonNode id = json.get("eventId");
    if (id == null || !id.isTextual() || id.textValue().isBlank()) {
      throw new InvalidLabelException("eventId must be a non-empty string");
    }
    String eventId = id.textValue();
    if (eventId.length() > MAX_EVENT_ID_LENGTH) {
      throw new InvalidLabelException("eventId longer than " + MAX_EVENT_ID_LENGTH + " characters");
    }
    if (eventId.chars().anyMatch(Character::isISOControl)) {
      throw new InvalidLabelException("eventId must not contain control characters");
    }
    JsonNode label = json.get("label");
    if (label == null || !label.isIntegralNumber() || !label.canConvertToInt()) {
      throw new InvalidLabelException("label must be a digit 0-9");
    }
    int digit = label.intValue();
    if (digit < 0 || digit > 9) {
      throw new InvalidLabelException("label must be a digit 0-9, got " + digit);
    }
    return new Label(eventId, digit);
  }
}
