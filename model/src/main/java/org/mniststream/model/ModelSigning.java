package org.mniststream.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.InputContract;
import org.mniststream.schemas.ModelVersion;

/**
 * Ed25519 signing of model versions (the JDK provides Ed25519 since 15). The signature covers what
 * decides how a model behaves: its name, version, architecture, input contract and the SHA-256 of
 * its parameters; so nobody who can merely write to the models topic can roll out a model, or
 * relabel a signed one, without the private key.
 *
 * <p>Keys are stored as PEM-style base64 text: the private key in PKCS#8, the public key in X.509
 * SubjectPublicKeyInfo (the same encodings {@code openssl genpkey -algorithm ed25519} produces).
 */
public final class ModelSigning {
  private static final String ALGORITHM = "Ed25519";

  private ModelSigning() {}

  public static KeyPair generateKeyPair() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 unavailable in this JDK", e);
    }
  }

  /** The bytes a signature covers. */
  public static byte[] signedPayload(ModelVersion v) {
    InputContract c = v.getInputContract();
    String payload =
        String.join(
            "\n",
            "mnist-stream-model-v1",
            v.getModelName(),
            Long.toString(v.getVersion()),
            v.getArchitecture(),
            c.getHeight() + "x" + c.getWidth() + "x" + c.getChannels(),
            Float.toString(c.getScale()),
            Float.toString(c.getMean()),
            Float.toString(c.getStd()),
            c.getResize(),
            v.getParametersSha256());
    return payload.getBytes(StandardCharsets.UTF_8);
  }

  /** Signs in place: sets {@code signature} and {@code signingKeyId}. */
  public static void sign(ModelVersion v, KeyPair keys) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(keys.getPrivate());
      s.update(signedPayload(v));
      v.setSignature(java.nio.ByteBuffer.wrap(s.sign()));
      v.setSigningKeyId(keyId(keys.getPublic()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign model version", e);
    }
  }

  /** The trusted key that verifies this version's signature, if any. */
  public static Optional<PublicKey> verifiedBy(ModelVersion v, Collection<PublicKey> trusted) {
    if (v.getSignature() == null) {
      return Optional.empty();
    }
    byte[] signature = AvroBytes.copyOf(v.getSignature());
    byte[] payload = signedPayload(v);
    for (PublicKey key : trusted) {
      try {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initVerify(key);
        s.update(payload);
        if (s.verify(signature)) {
          return Optional.of(key);
        }
      } catch (GeneralSecurityException e) {
        // a malformed signature is simply not valid for this key; try the next one
      }
    }
    return Optional.empty();
  }

  /** First 16 hex characters of the SHA-256 of the encoded public key. */
  public static String keyId(PublicKey key) {
    return Sha256.hex(key.getEncoded()).substring(0, 16);
  }

  public static void writePrivateKey(PrivateKey key, Path file) throws IOException {
    write(file, "PRIVATE KEY", key.getEncoded());
  }

  public static void writePublicKey(PublicKey key, Path file) throws IOException {
    write(file, "PUBLIC KEY", key.getEncoded());
  }

  public static PrivateKey readPrivateKey(Path file) throws IOException {
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePrivate(new PKCS8EncodedKeySpec(read(file, "PRIVATE KEY")));
    } catch (GeneralSecurityException e) {
      throw new IOException("not an Ed25519 PKCS#8 private key: " + file, e);
    }
  }

  public static PublicKey readPublicKey(Path file) throws IOException {
    try {
      return KeyFactory.getInstance(ALGORITHM)
          .generatePublic(new X509EncodedKeySpec(read(file, "PUBLIC KEY")));
    } catch (GeneralSecurityException e) {
      throw new IOException("not an Ed25519 X.509 public key: " + file, e);
    }
  }

  /** A key pair from a private key file, deriving the public half from the stored one beside it. */
  public static KeyPair readKeyPair(Path privateKey, Path publicKey) throws IOException {
    return new KeyPair(readPublicKey(publicKey), readPrivateKey(privateKey));
  }

  private static void write(Path file, String label, byte[] der) throws IOException {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    Files.writeString(
        file, "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n");
  }

  private static byte[] read(Path file, String label) throws IOException {
    String text = Files.readString(file);
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new IOException(file + " has no " + label + " block");
    }
    return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
  }

  static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
