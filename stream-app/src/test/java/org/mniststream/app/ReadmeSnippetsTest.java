package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.LabelEvent;

/** What the README shows that the code could silently disagree with. */
class ReadmeSnippetsTest {
  /** The tests run in the stream-app module's directory. */
  private static final Path ROOT = Path.of("..");

  @Test
  void shouldShowTheDefaultPolicyFileVerbatim() throws Exception {
    String policy = Files.readString(ROOT.resolve("docs/policies/default.json"));

    assertThat(Files.readString(ROOT.resolve("README.md"))).contains("```json\n" + policy + "```");
  }

  @Test
  void shouldWriteLabelsWithTheFingerprintOfTheLabelSchema() throws Exception {
    long fingerprint = SchemaNormalization.parsingFingerprint64(LabelEvent.getClassSchema());
    StringBuilder littleEndian = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      littleEndian.append(String.format("%02x", (fingerprint >>> (8 * i)) & 0xff));
    }

    assertThat(Files.readString(ROOT.resolve("README.md")))
        .contains("bytes.fromhex(\"c301" + littleEndian + "\")");
  }
}
