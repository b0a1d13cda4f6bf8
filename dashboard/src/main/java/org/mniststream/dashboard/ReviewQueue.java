package org.mniststream.dashboard;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mniststream.schemas.ReviewRequest;

/**
 * The review panel's items: the latest {@value #CAPACITY} review requests not labelled yet, by
 * event id (a request seen again, e.g. after the stream app replays a batch, replaces the first).
 * An item labelled here is removed, and its id remembered for a while so that a redelivered request
 * does not bring it back. Thread-safe: the consumer adds, HTTP threads take.
 */
final class ReviewQueue {
  static final int CAPACITY = 50;
  static final int LABELLED_REMEMBERED = 10_000;

  private final Map<String, ReviewRequest> items = new LinkedHashMap<>();
  private final Set<String> labelled = new LinkedHashSet<>();
  private long seen;
  private long undecodable;

  /** A request from the review topic; the oldest item goes when there are more than CAPACITY. */
  synchronized void add(ReviewRequest request) {
    seen++;
    String id = request.getEventId();
    if (labelled.contains(id)) {
      return;
    }
    items.remove(id);
    items.put(id, request);
    while (items.size() > CAPACITY) {
      items.remove(items.keySet().iterator().next());
    }
  }

  synchronized void undecodable() {
    undecodable++;
  }

  /** The item of {@code eventId}, if the panel shows it. */
  synchronized Optional<ReviewRequest> get(String eventId) {
    return Optional.ofNullable(items.get(eventId));
  }

  /** A person labelled {@code eventId}: it leaves the panel for good. */
  synchronized void labelled(String eventId) {
    items.remove(eventId);
    labelled.remove(eventId);
    labelled.add(eventId);
    while (labelled.size() > LABELLED_REMEMBERED) {
      labelled.remove(labelled.iterator().next());
    }
  }

  /** What the page shows: the items, newest first. */
  record Snapshot(long seen, long undecodable, int capacity, List<Item> items) {}

  /** One image to label, with what the model said; {@code pixels} is base64 gray8, row-major. */
  record Item(
      String eventId,
      String model,
      long version,
      String route,
      int predicted,
      float confidence,
      float threshold,
      List<Float> probabilities,
      int width,
      int height,
      String pixels,
      long requestedAt) {}

  synchronized Snapshot snapshot() {
    List<Item> list = new ArrayList<>(items.size());
    for (ReviewRequest r : items.values()) {
      list.add(0, item(r));
    }
    return new Snapshot(seen, undecodable, CAPACITY, list);
  }

  private static Item item(ReviewRequest r) {
    ByteBuffer pixels = r.getPixels().duplicate();
    byte[] bytes = new byte[pixels.remaining()];
    pixels.get(bytes);
    // an image whose size disagrees with its pixels is shown blank rather than drawn wrong
    boolean drawable =
        r.getWidth() >= 1
            && r.getHeight() >= 1
            && r.getWidth() <= Thumbnail.MAX_SIDE
            && r.getHeight() <= Thumbnail.MAX_SIDE
            && bytes.length == r.getWidth() * r.getHeight();
    return new Item(
        r.getEventId(),
        r.getModelName(),
        r.getModelVersion(),
        r.getRoute(),
        r.getPredictedClass(),
        r.getConfidence(),
        r.getThreshold(),
        r.getProbabilities(),
        drawable ? r.getWidth() : Thumbnail.MAX_SIDE,
        drawable ? r.getHeight() : Thumbnail.MAX_SIDE,
        drawable ? Base64.getEncoder().encodeToString(bytes) : null,
        r.getRequestedAt().toEpochMilli());
  }
}
