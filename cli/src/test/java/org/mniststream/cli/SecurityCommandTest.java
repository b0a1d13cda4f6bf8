package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SecurityCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldPrintEachPrincipalsAclsFromThePlan() {
    int exitCode = run("security", "acls", "--topics-prefix", "staging.");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains("# User:image-producer: upstream systems that send image events")
        .containsPattern(
            "(?m)^User:image-producer +ALLOW WRITE +TOPIC +LITERAL +staging.mnist.image-events$")
        .containsPattern("(?m)^User:stream-app +ALLOW ALL +TOPIC +PREFIXED +mnist-stream$")
        .doesNotContainPattern(
            "(?m)^User:dashboard +ALLOW WRITE +TOPIC +LITERAL +staging.mnist.model");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void shouldPrintKafkaAclsCommandsWithTheGivenPrincipal() {
    int exitCode =
        run("security", "acls", "--format", "kafka-acls", "--principal", "operator=User:ops-team");

    assertThat(exitCode).isZero();
    assertThat(out.toString())
        .contains(
            "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --command-config \"$ADMIN_CONFIG\""
                + " --add --allow-principal User:ops-team --operation Write --topic"
                + " 'mnist.model-rollouts'\n");
  }

  @Test
  void shouldAnswerABadOptionWithOneLineAndTwo(@TempDir Path dir) {
    assertThat(run("security", "acls", "--principal", "janitor=User:x")).isEqualTo(2);
    assertThat(err.toString()).contains("--principal: no role 'janitor'").doesNotContain("\tat ");

    assertThat(run("security", "acls", "--apply")).isEqualTo(2);
    assertThat(err.toString()).contains("--apply needs --bootstrap-servers");

    assertThat(
            run(
                "security",
                "acls",
                "--apply",
                "-b",
                "127.0.0.1:1",
                "--command-config",
                dir.resolve("missing.properties").toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--command-config: no such file").doesNotContain("\tat ");
    assertThat(out.toString()).as("nothing printed before a usage error").isEmpty();

    assertThat(run("security", "acls", "--application-id", "mnist")).isEqualTo(2);
    assertThat(err.toString()).contains("starts with the application id mnist");
  }

  @Test
  void shouldSayInOneLineThatAClusterDidNotAnswer() {
    int exitCode = run("security", "acls", "--apply", "-b", "127.0.0.1:1", "--timeout", "2");

    assertThat(exitCode).isEqualTo(1);
    assertThat(err.toString().lines().toList())
        .singleElement()
        .asString()
        .startsWith("cannot create the ACLs on 127.0.0.1:1");
  }

  private int run(String... args) {
    CommandLine cli =
        MnistStreamCli.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }
}
