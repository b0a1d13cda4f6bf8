package org.mniststream.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code keys} refuses before it talks to a broker: no broker runs here. */
class KeysCommandTest {
  private final StringWriter err = new StringWriter();

  @Test
  void shouldRefuseAKeyIdThatIsNotOne() {
    assertThat(run("keys", "revoke", "not-a-key", "--reason", "x")).isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString())
        .startsWith("KEYID must be 16 lower-case hex characters")
        .doesNotContain("Exception");
  }

  @Test
  void shouldAskForAReasonToRevoke() {
    assertThat(run("keys", "revoke", "0123456789abcdef")).isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("--reason");
  }

  @Test
  void shouldRefuseAFileThatIsNoPublicKey(@TempDir Path dir) throws Exception {
    Path notAKey = Files.writeString(dir.resolve("x.pub"), "hello\n");

    assertThat(run("keys", "trust", "--public-key", notAKey.toString()))
        .isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).startsWith(notAKey + " has no PUBLIC KEY block");
  }

  @Test
  void shouldAnswerWithoutASubcommandAsAUsageError() {
    assertThat(run("keys")).isEqualTo(StreamAppCli.USAGE);
    assertThat(err.toString()).contains("revoke").contains("trust").contains("list");
  }

  @Test
  void shouldSayWhyARolloutWouldBeRefusedByTheInstances() {
    org.mniststream.app.models.ServingPolicy policy =
        org.mniststream.app.models.ServingPolicy.NONE.withFloor(2).revoke("bbbbbbbbbbbbbbbb", "");
    Map<Long, org.mniststream.schemas.ModelVersion> known =
        Map.of(3L, signedBy(3, "bbbbbbbbbbbbbbbb"), 4L, signedBy(4, "aaaaaaaaaaaaaaaa"));

    assertThat(KeysCommand.refusals(policy, known, java.util.List.of(1L, 3L, 4L, 9L)))
        .containsExactly(
            "version 1 is below the floor model.min-version=2",
            "version 3 is signed by revoked key bbbbbbbbbbbbbbbb");
  }

  private static org.mniststream.schemas.ModelVersion signedBy(long version, String keyId) {
    org.mniststream.schemas.ModelVersion v =
        org.mniststream.app.testing.TestModelRecords.decode(
            org.mniststream.app.testing.TestModelRecords.mlp(version));
    v.setSigningKeyId(keyId);
    return v;
  }

  private int run(String... args) {
    return StreamAppCli.execute(
        Map.of(), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
  }
}
