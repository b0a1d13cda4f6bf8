package org.mniststream.trainer.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mniststream.trainer.stream.OffsetSelection.Range;

class OffsetSelectionTest {
  private static final Map<Integer, Long> BEGINNINGS = Map.of(0, 0L, 1, 10L);
  private static final Map<Integer, Long> ENDS = Map.of(0, 5000L, 1, 4800L);

  @Test
  void shouldParseRangesPerPartition() {
    assertThat(OffsetSelection.parseRanges("0:120-5000, 1:0-4800"))
        .containsExactly(Map.entry(0, new Range(120, 5000)), Map.entry(1, new Range(0, 4800)));
    assertThat(OffsetSelection.parseOffsets("1:7,0:3"))
        .containsExactly(Map.entry(0, 3L), Map.entry(1, 7L));
  }

  @Test
  void shouldRefuseMalformedOffsetsWithTheBadPart() {
    assertThatThrownBy(() -> OffsetSelection.parseRanges("0:120"))
        .hasMessageContaining("'0:120' is not partition:from-to");
    assertThatThrownBy(() -> OffsetSelection.parseRanges("0:50-10"))
        .hasMessageContaining("ends before it starts");
    assertThatThrownBy(() -> OffsetSelection.parseRanges("x:1-2"))
        .hasMessageContaining("'x' is not a partition number");
    assertThatThrownBy(() -> OffsetSelection.parseOffsets("0:1,0:2"))
        .hasMessageContaining("partition 0 is given twice");
    assertThatThrownBy(() -> OffsetSelection.parseOffsets("0:-1"))
        .hasMessageContaining("not an offset");
  }

  @Test
  void shouldReadEverythingToTheEndsByDefault() {
    assertThat(OffsetSelection.everything().resolve(BEGINNINGS, ENDS, t -> Map.of()))
        .containsExactly(Map.entry(0, new Range(0, 5000)), Map.entry(1, new Range(10, 4800)));
  }

  @Test
  void shouldReadOnlyTheListedRangesAndRefuseOnesPastTheEnd() {
    OffsetSelection one =
        new OffsetSelection(
            Map.of(1, new Range(20, 30)), Map.of(), Map.of(), Optional.empty(), Optional.empty());
    assertThat(one.resolve(BEGINNINGS, ENDS, t -> Map.of()))
        .containsExactly(Map.entry(1, new Range(20, 30)));

    OffsetSelection past =
        new OffsetSelection(
            Map.of(0, new Range(0, 6000)), Map.of(), Map.of(), Optional.empty(), Optional.empty());
    assertThatThrownBy(() -> past.resolve(BEGINNINGS, ENDS, t -> Map.of()))
        .hasMessage("partition 0 ends at offset 5000, cannot read to 6000");
    OffsetSelection deleted =
        new OffsetSelection(
            Map.of(1, new Range(0, 5)), Map.of(), Map.of(), Optional.empty(), Optional.empty());
    assertThatThrownBy(() -> deleted.resolve(BEGINNINGS, ENDS, t -> Map.of()))
        .hasMessageContaining("partition 1 starts at offset 10");
    OffsetSelection missing =
        new OffsetSelection(
            Map.of(7, new Range(0, 5)), Map.of(), Map.of(), Optional.empty(), Optional.empty());
    assertThatThrownBy(() -> missing.resolve(BEGINNINGS, ENDS, t -> Map.of()))
        .hasMessage("the topic has no partition 7 (it has [0, 1])");
  }

  @Test
  void shouldFillUnlistedPartitionsFromTheirBeginningOrToTheirEnd() {
    OffsetSelection selection =
        new OffsetSelection(
            Map.of(), Map.of(0, 120L), Map.of(1, 4000L), Optional.empty(), Optional.empty());
    assertThat(selection.resolve(BEGINNINGS, ENDS, t -> Map.of()))
        .containsExactly(Map.entry(0, new Range(120, 5000)), Map.entry(1, new Range(10, 4000)));
  }

  @Test
  void shouldTurnATimeRangeIntoOffsetsWithNoLaterRecordMeaningTheEnd() {
    Instant since = Instant.parse("2025-01-01T00:00:00Z");
    Instant until = Instant.parse("2025-01-02T00:00:00Z");
    Map<Integer, Long> atSince = Map.of(0, 100L, 1, 200L);
    Map<Integer, Long> atUntil = new HashMap<>();
    atUntil.put(0, 900L);
    atUntil.put(1, null); // no record at or after until: to the end
    OffsetSelection selection =
        new OffsetSelection(Map.of(), Map.of(), Map.of(), Optional.of(since), Optional.of(until));
    assertThat(selection.resolve(BEGINNINGS, ENDS, t -> t.equals(since) ? atSince : atUntil))
        .containsExactly(Map.entry(0, new Range(100, 900)), Map.entry(1, new Range(200, 4800)));
  }

  @Test
  void shouldRefuseMixingOffsetsAndTimes() {
    assertThatThrownBy(
            () ->
                new OffsetSelection(
                    Map.of(),
                    Map.of(0, 1L),
                    Map.of(),
                    Optional.of(Instant.EPOCH),
                    Optional.empty()))
        .hasMessageContaining("not both");
    assertThatThrownBy(
            () ->
                new OffsetSelection(
                    Map.of(0, new Range(0, 1)),
                    Map.of(),
                    Map.of(1, 2L),
                    Optional.empty(),
                    Optional.empty()))
        .hasMessageContaining("--offsets names whole ranges");
  }
}
