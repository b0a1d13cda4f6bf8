package org.mniststream.app.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mniststream.app.models.VersionCatalogue.Change;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.testing.ModelVersionRecords;

/** The catalogue alone: records with made-up parameters, nothing verified or loaded. */
class VersionCatalogueTest {
  private final VersionCatalogue catalogue = new VersionCatalogue("mnist");

  @Test
  void shouldTreatTheSameBytesAgainAsNoChange() {
    byte[] v1 = record(1, "first");
    catalogue.accept(decode(v1), v1);

    assertThat(catalogue.compare(1, v1.clone())).isEqualTo(Change.SAME);
    assertThat(catalogue.compare(2, record(2, "first"))).isEqualTo(Change.NEW);
  }

  @Test
  void shouldTreatOtherBytesForAKnownVersionAsAReplacementWhetherValidOrRefused() {
    byte[] v1 = record(1, "first");
    byte[] v2 = record(2, "first");
    catalogue.accept(decode(v1), v1);
    catalogue.refuse(2, v2, "SHA256_MISMATCH");

    assertThat(catalogue.compare(1, record(1, "second"))).isEqualTo(Change.REPLACEMENT);
    assertThat(catalogue.compare(2, v2)).isEqualTo(Change.SAME);
    assertThat(catalogue.compare(2, record(2, "second"))).isEqualTo(Change.REPLACEMENT);
  }

  @Test
  void shouldKeepTheLastRecordOfAKey() {
    byte[] first = record(1, "first");
    byte[] second = record(1, "second");
    catalogue.accept(decode(first), first);

    catalogue.accept(decode(second), second);

    assertThat(catalogue.valid(1)).map(VersionCatalogueTest::parameters).contains("second");
    assertThat(catalogue.compare(1, second)).isEqualTo(Change.SAME);
    assertThat(catalogue.compare(1, first)).isEqualTo(Change.REPLACEMENT);
  }

  @Test
  void shouldRefuseAValidVersionWhoseKeyGotARefusedRecord() {
    byte[] v1 = record(1, "first");
    catalogue.accept(decode(v1), v1);

    boolean wasValid = catalogue.refuse(1, record(1, "second"), "BAD_SIGNATURE");

    assertThat(wasValid).isTrue();
    assertThat(catalogue.validVersions()).isEmpty();
    assertThat(catalogue.refusedVersions()).containsExactly(Map.entry(1L, "BAD_SIGNATURE"));
  }

  @Test
  void shouldForgetAVersionOnATombstone() {
    byte[] v1 = record(1, "first");
    byte[] v2 = record(2, "first");
    catalogue.accept(decode(v1), v1);
    catalogue.refuse(2, v2, "UNSIGNED");

    assertThat(catalogue.remove(1)).isTrue();
    assertThat(catalogue.remove(2)).as("v2 was refused, not valid").isFalse();

    assertThat(catalogue.validVersions()).isEmpty();
    assertThat(catalogue.refusedVersions()).isEmpty();
    assertThat(catalogue.compare(1, v1))
        .as("published again after the tombstone")
        .isEqualTo(Change.NEW);
  }

  @Test
  void shouldAcceptARefusedVersionWhenAValidRecordReplacesIt() {
    byte[] bad = record(3, "bad");
    byte[] good = record(3, "good");
    catalogue.refuse(3, bad, "CORRUPT_PARAMETERS");

    catalogue.accept(decode(good), good);

    assertThat(catalogue.validVersions()).containsExactly(3L);
    assertThat(catalogue.refusedVersions()).isEmpty();
  }

  @Test
  void shouldReadTheKeyOfItsOwnModelOnly() {
    assertThat(catalogue.versionOf("mnist/0000000042")).isEqualTo(OptionalLong.of(42));
    assertThat(catalogue.versionOf("fashion/0000000042")).isEmpty();
    assertThat(catalogue.versionOf("mnist/latest")).isEmpty();
    assertThat(catalogue.versionOf("<no key>")).isEmpty();
  }

  @Test
  void shouldReleaseTheParametersOfAllButTheNewestAndTheKeptVersionsAndReadThemBack() {
    Map<String, byte[]> topic = new HashMap<>();
    List<String> readBack = new ArrayList<>();
    catalogue.retainParameters(
        1,
        key -> {
          readBack.add(key);
          return Optional.ofNullable(topic.get(key));
        });
    for (long v = 1; v <= 3; v++) {
      byte[] r = record(v, "p" + v);
      topic.put(String.format("mnist/%010d", v), r);
      catalogue.accept(decode(r), r);
    }

    catalogue.releaseParameters(Set.of(1L));

    assertThat(catalogue.isReleased(1)).as("kept: loaded").isFalse();
    assertThat(catalogue.isReleased(2)).isTrue();
    assertThat(catalogue.isReleased(3)).as("the newest").isFalse();
    assertThat(catalogue.valid(2).orElseThrow().getParameters().remaining()).isZero();
    assertThat(parameters(catalogue.withParameters(2))).isEqualTo("p2");
    assertThat(parameters(catalogue.withParameters(3))).isEqualTo("p3");
    assertThat(readBack).containsExactly("mnist/0000000002");
    assertThat(catalogue.isReleased(2)).isFalse();
  }

  @Test
  void shouldNotReadBackARecordThatIsNoLongerTheOneKnown() {
    catalogue.retainParameters(0, key -> Optional.of(record(1, "republished")));
    byte[] v1 = record(1, "first");
    catalogue.accept(decode(v1), v1);
    catalogue.releaseParameters(Set.of());

    assertThatThrownBy(() -> catalogue.withParameters(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer the record verified");
  }

  @Test
  void shouldNotReadBackARecordThatIsGoneFromTheTopic() {
    catalogue.retainParameters(0, key -> Optional.empty());
    byte[] v1 = record(1, "first");
    catalogue.accept(decode(v1), v1);
    catalogue.releaseParameters(Set.of());

    assertThatThrownBy(() -> catalogue.withParameters(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no longer on the topic");
  }

  @Test
  void shouldKeepEveryParameterWithoutARetentionBound() {
    byte[] v1 = record(1, "first");
    byte[] v2 = record(2, "second");
    catalogue.accept(decode(v1), v1);
    catalogue.accept(decode(v2), v2);

    catalogue.releaseParameters(Set.of());

    assertThat(catalogue.isReleased(1)).isFalse();
  }

  /** A models-topic value: only the version and the parameter bytes matter to the catalogue. */
  private static byte[] record(long version, String parameters) {
    return ModelVersionRecords.encoded("mnist", version, parameters);
  }

  private static ModelVersion decode(byte[] record) {
    return ContractSerdes.modelVersion().decode(record);
  }

  private static String parameters(ModelVersion v) {
    ByteBuffer b = v.getParameters().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return new String(out);
  }
}
