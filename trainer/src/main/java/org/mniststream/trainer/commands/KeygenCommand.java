package org.mniststream.trainer.commands;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import org.mniststream.model.ModelSigning;
import org.mniststream.trainer.publishing.SigningKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a new Ed25519 key pair for signing model versions: DIR/NAME.key (PKCS#8, owner-only)"
          + " and DIR/NAME.pub (X.509; give it to the stream app as a trusted key).",
      ""
    })
public final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--out-dir",
      defaultValue = ".",
      paramLabel = "DIR",
      description = "Directory to write the keys to (default: the current directory).")
  Path dir;

  @Option(
      names = "--name",
      defaultValue = "mnist-signing",
      paramLabel = "NAME",
      description = "File name of the keys, without extension (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--force", description = "Overwrite existing key files.")
  boolean force;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    KeyPair keys = SigningKeys.generate(dir, name, force);
    out.println("Private key: " + dir.resolve(name + SigningKeys.PRIVATE_SUFFIX));
    out.println("Public key:  " + dir.resolve(name + SigningKeys.PUBLIC_SUFFIX));
    out.println("Key id:      " + ModelSigning.keyId(keys.getPublic()));
    out.flush();
    return ExitCodes.OK;
  }
}
