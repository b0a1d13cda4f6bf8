package org.mniststream.trainer.publishing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.mniststream.model.ModelSigning;

/** Ed25519 key files as the CLI uses them: {@code NAME.key} (PKCS#8) beside {@code NAME.pub}. */
public final class SigningKeys {
  public static final String PRIVATE_SUFFIX = ".key";
  public static final String PUBLIC_SUFFIX = ".pub";

  private SigningKeys() {}

  /** The public key file that belongs beside {@code privateKey}: {@code x.key} -> {@code x.pub}. */
  public static Path publicKeyBeside(Path privateKey) {
    String name = privateKey.getFileName().toString();
    String base =
        name.endsWith(PRIVATE_SUFFIX)
            ? name.substring(0, name.length() - PRIVATE_SUFFIX.length())
            : name;
    return privateKey.resolveSibling(base + PUBLIC_SUFFIX);
  }

  /** Reads a key pair; {@code publicKey} may be null to use the file beside the private key. */
  public static KeyPair read(Path privateKey, Path publicKey) throws IOException {
    Path pub = publicKey != null ? publicKey : publicKeyBeside(privateKey);
    if (!Files.isRegularFile(privateKey)) {
      throw new IOException("signing key " + privateKey + " does not exist");
    }
    if (!Files.isRegularFile(pub)) {
      throw new IOException(
          "public key "
              + pub
              + " for signing key "
              + privateKey
              + " does not exist (give it with --signing-public-key)");
    }
    return ModelSigning.readKeyPair(privateKey, pub);
  }

  /**
   * Generates a key pair into {@code dir/name.key} and {@code dir/name.pub}; refuses to overwrite
   * existing files unless {@code force}. Returns the pair.
   */
  public static KeyPair generate(Path dir, String name, boolean force) throws IOException {
    Path privateKey = dir.resolve(name + PRIVATE_SUFFIX);
    Path publicKey = dir.resolve(name + PUBLIC_SUFFIX);
    if (!force && (Files.exists(privateKey) || Files.exists(publicKey))) {
      throw new IOException(
          privateKey + " or " + publicKey + " already exists (use --force to overwrite)");
    }
    Files.createDirectories(dir);
    KeyPair keys = ModelSigning.generateKeyPair();
    Files.deleteIfExists(privateKey);
    try {
      // owner-only from the first byte: the key is never readable by others, not even briefly
      Files.createFile(
          privateKey,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: the platform's defaults apply
    }
    ModelSigning.writePrivateKey(keys.getPrivate(), privateKey);
    ModelSigning.writePublicKey(keys.getPublic(), publicKey);
    return keys;
  }
}
