package org.mniststream.app.quality;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state {@link QualityEngine} works on: the events by id and an index of them by the time they
 * expire. The quality topology keeps it in Kafka Streams stores, the offline recomputation in maps
 * ({@link #inMemory}); the engine cannot tell them apart.
 */
interface QualityStore {
  EventState event(String eventId);

  void putEvent(String eventId, EventState state);

  void deleteEvent(String eventId);

  void putExpiry(String indexKey);

  void deleteExpiry(String indexKey);

  /** The expiry index keys up to {@code lastIncluded}, in order. */
  List<String> expiriesUpTo(String lastIncluded);

  /** The first expiry index key; null when the index is empty. */
  String firstExpiry();

  static QualityStore inMemory() {
    return new QualityStore() {
      private final Map<String, EventState> events = new TreeMap<>();
      private final TreeMap<String, Boolean> expiries = new TreeMap<>();

      @Override
      public EventState event(String eventId) {
        return events.get(eventId);
      }

      @Override
      public void putEvent(String eventId, EventState state) {
        events.put(eventId, state);
      }

      @Override
      public void deleteEvent(String eventId) {
        events.remove(eventId);
      }

      @Override
      public void putExpiry(String indexKey) {
        expiries.put(indexKey, true);
      }

      @Override
      public void deleteExpiry(String indexKey) {
        expiries.remove(indexKey);
      }

      @Override
      public List<String> expiriesUpTo(String lastIncluded) {
        return List.copyOf(expiries.headMap(lastIncluded, true).keySet());
      }

      @Override
      public String firstExpiry() {
        return expiries.isEmpty() ? null : expiries.firstKey();
      }
    };
  }
}
