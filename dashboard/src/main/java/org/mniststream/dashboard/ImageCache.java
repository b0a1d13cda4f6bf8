package org.mniststream.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Thumbnails of the latest image events by event id, so a prediction (which carries no pixels) can
 * be shown with its picture. Bounded: past {@code capacity} entries the oldest goes, so memory
 * stays under {@code capacity * 784} bytes of pixels whatever the rate. At a rate where a
 * prediction comes back after more than {@code capacity} newer images, its thumbnail is gone and
 * the strip shows it blank. Thread-safe.
 */
final class ImageCache {
  static final int DEFAULT_CAPACITY = 2_000;

  private final int capacity;
  private final Map<String, Thumbnail> entries;

  ImageCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.capacity = capacity;
    this.entries =
        new LinkedHashMap<>(capacity * 4 / 3 + 1) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Thumbnail> eldest) {
            return size() > ImageCache.this.capacity;
          }
        };
  }

  synchronized void put(String eventId, Thumbnail thumbnail) {
    entries.put(eventId, thumbnail);
  }

  synchronized Thumbnail get(String eventId) {
    return entries.get(eventId);
  }

  synchronized int size() {
    return entries.size();
  }

  int capacity() {
    return capacity;
  }
}
