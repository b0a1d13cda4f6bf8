package org.mniststream.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mniststream.testing.ModelVersionRecords.encoded;

import org.junit.jupiter.api.Test;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.schemas.TopicNames;

class ModelsTopicContentsTest {
  private final ModelsTopicContents contents = new ModelsTopicContents();

  @Test
  void shouldKeepTheLastRecordOfAKeyAsCompactionDoes() {
    String key = TopicNames.modelKey("mnist", 1);
    contents.apply(key, encoded("mnist", 1, "first"));
    contents.apply(key, encoded("mnist", 1, "second"));

    assertThat(contents.versions("mnist").get(1L).getParametersSha256()).endsWith("second");
    assertThat(contents.latestValue(key))
        .hasValueSatisfying(v -> assertThat(v).isEqualTo(encoded("mnist", 1, "second")));
  }

  @Test
  void shouldWithdrawAVersionOnATombstoneButNeverReuseItsNumber() {
    contents.apply(TopicNames.modelKey("mnist", 1), encoded("mnist", 1, "a"));
    contents.apply(TopicNames.modelKey("mnist", 2), encoded("mnist", 2, "b"));
    contents.apply(TopicNames.modelKey("mnist", 2), null);

    assertThat(contents.versions("mnist").keySet()).containsExactly(1L);
    assertThat(contents.latest("mnist").map(ModelVersion::getVersion)).hasValue(1L);
    assertThat(contents.latestValue(TopicNames.modelKey("mnist", 2))).isEmpty();
    assertThat(contents.highestVersionEverUsed("mnist")).isEqualTo(2);
  }

  @Test
  void shouldListAnUndecodableValueAndWithdrawTheVersionItReplaced() {
    String key = TopicNames.modelKey("mnist", 3);
    contents.apply(key, encoded("mnist", 3, "good"));
    contents.apply(key, new byte[] {1, 2, 3});

    assertThat(contents.versions("mnist")).isEmpty();
    assertThat(contents.undecodable()).singleElement().asString().startsWith(key + " (");
    assertThat(contents.latestValue(key)).isPresent();

    contents.apply(key, encoded("mnist", 3, "fixed"));
    assertThat(contents.undecodable()).isEmpty();
    assertThat(contents.versions("mnist").keySet()).containsExactly(3L);
  }

  @Test
  void shouldKeepModelsApartAndIgnoreARecordWhoseKeyNamesAnotherVersion() {
    contents.apply(TopicNames.modelKey("mnist", 1), encoded("mnist", 1, "a"));
    contents.apply(TopicNames.modelKey("fashion", 7), encoded("fashion", 7, "f"));
    contents.apply(TopicNames.modelKey("mnist", 5), encoded("mnist", 4, "mislabelled"));

    assertThat(contents.versions("mnist").keySet()).containsExactly(1L);
    assertThat(contents.versions("fashion").keySet()).containsExactly(7L);
    assertThat(contents.highestVersionEverUsed("mnist")).isEqualTo(5);
    assertThat(contents.highestVersionEverUsed("fashion")).isEqualTo(7);
    assertThat(contents.highestVersionEverUsed("other")).isZero();
  }

  @Test
  void shouldIgnoreKeysThatNameNoVersionNumber() {
    contents.apply("mnist/latest", encoded("mnist", 1, "a"));
    contents.apply("no-slash", encoded("mnist", 1, "a"));

    assertThat(contents.highestVersionEverUsed("mnist")).isZero();
    assertThat(contents.versions("mnist")).isEmpty();
  }

  @Test
  void shouldKeepNoValueWhenOnlyVersionNumbersAreWanted() {
    ModelsTopicContents numbers = ModelsTopicContents.versionNumbersOnly();
    numbers.apply(TopicNames.modelKey("mnist", 4), encoded("mnist", 4, "a"));
    numbers.apply(TopicNames.modelKey("mnist", 4), null);

    assertThat(numbers.highestVersionEverUsed("mnist")).isEqualTo(4);
    numbers.apply(TopicNames.modelKey("mnist", 2), encoded("mnist", 2, "b"));
    assertThat(numbers.latestValue(TopicNames.modelKey("mnist", 2))).isEmpty();
    assertThat(numbers.versions("mnist")).isEmpty();
  }
}
