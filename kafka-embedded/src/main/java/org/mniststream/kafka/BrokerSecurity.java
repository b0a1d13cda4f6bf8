package org.mniststream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The secure profile of an {@link EmbeddedKafkaBroker}: clients connect over TLS and authenticate
 * with SASL SCRAM-SHA-512 as one of the {@link #users()}; KRaft's {@code StandardAuthorizer} then
 * lets a principal do only what an ACL grants it ({@code allow.everyone.if.no.acl.found=false}).
 * The broker's own principal ({@value #BROKER_USER}) and {@value #ADMIN_USER} are super users;
 * every other user starts with no right at all, and the test or the operator grants the product's
 * least-privilege ACLs through {@value #ADMIN_USER} (the {@code security acls --apply} command).
 *
 * <p><b>Listeners.</b> The client listener ({@value #LISTENER}) is SASL_SSL and is also the
 * inter-broker listener, on which the broker authenticates as {@value #BROKER_USER}. The KRaft
 * controller listener stays on loopback and uses TLS with client certificates (mutual TLS): a SCRAM
 * credential lives in the metadata log, which the controller must serve before it could check one,
 * so SCRAM cannot guard it. Only the holder of the broker's private key gets past the handshake,
 * and the certificate's {@code CN=broker} maps to the principal {@code User:broker} ({@code
 * ssl.principal.mapping.rules}), a super user; a plain client on the controller port is refused at
 * the handshake instead of reaching the controller's APIs as {@code User:ANONYMOUS}.
 *
 * <p><b>Certificates.</b> A self-signed certificate for {@code 127.0.0.1} and {@code localhost} is
 * generated at start-up by the JDK's own {@code keytool} binary ({@code java.home/bin/keytool}) run
 * as a child process: {@code sun.security.tools.keytool} and {@code sun.security.x509} are not API
 * (they need {@code --add-exports} and change between JDKs), BouncyCastle is not a dependency of
 * this module, and {@code keytool}'s command line is stable across JDKs. Passwords reach keytool
 * through its environment ({@code -storepass:env}), never its command line, which {@code ps} shows
 * to every local user. Clients trust the certificate through the PEM file {@link
 * #trustStoreFile()}.
 *
 * <p><b>Credentials.</b> Each user's SCRAM credential is written into the metadata when the data
 * dir is formatted (what {@code kafka-storage format --add-scram} does), so the broker starts with
 * them and no unauthenticated window exists. Passwords are random per instance unless given (a
 * persistent data dir restarted by a new JVM needs the same passwords: the credentials are only
 * added when the dir is first formatted). The credentials file handed to the broker's JVM is
 * readable by its owner only.
 */
public final class BrokerSecurity {

  /** The broker's own principal: inter-broker and controller connections. A super user. */
  public static final String BROKER_USER = "broker";

  /** The operator's principal that creates topics and ACLs. A super user. */
  public static final String ADMIN_USER = "admin";

  public static final String MECHANISM = "SCRAM-SHA-512";
  static final String LISTENER = "SASL_SSL";
  static final String CONTROLLER_LISTENER = "CONTROLLER";

  static final String SECURITY_DIR_NAME = "security";
  static final String KEY_STORE_FILE_NAME = "broker.p12";
  static final String TRUST_STORE_FILE_NAME = "broker-cert.pem";
  static final String CREDENTIALS_FILE_NAME = "scram-credentials.properties";

  /** SCRAM user names end up in a JAAS line and in {@code --add-scram}: keep them plain. */
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern PASSWORD = Pattern.compile("[^\\s\"\\\\,=\\[\\]]{8,128}");

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int KEYTOOL_TIMEOUT_SECONDS = 60;

  private final Map<String, String> passwords;
  private final String keyStorePassword;

  /** Set once, by the one broker this profile belongs to. */
  private Path securityDir;

  /** Whether this instance wrote the key store: a restart keeps it, a new instance replaces it. */
  private boolean generated;

  private BrokerSecurity(Map<String, String> passwords, String keyStorePassword) {
    this.passwords = Collections.unmodifiableMap(new LinkedHashMap<>(passwords));
    this.keyStorePassword = keyStorePassword;
  }

  /**
   * SCRAM-SHA-512 over TLS for {@value #BROKER_USER}, {@value #ADMIN_USER} and {@code users}, each
   * with a fresh random password.
   */
  public static BrokerSecurity scramOverTls(Collection<String> users) {
    Map<String, String> passwords = new LinkedHashMap<>();
    Set<String> all = new LinkedHashSet<>(List.of(BROKER_USER, ADMIN_USER));
    all.addAll(users);
    all.forEach(u -> passwords.put(checkUser(u), randomSecret()));
    return new BrokerSecurity(passwords, randomSecret());
  }

  /**
   * SCRAM-SHA-512 over TLS with the given passwords (user to password); {@value #BROKER_USER} and
   * {@value #ADMIN_USER} get random ones unless given.
   */
  public static BrokerSecurity scramOverTls(Map<String, String> passwords) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put(BROKER_USER, passwords.getOrDefault(BROKER_USER, randomSecret()));
    all.put(ADMIN_USER, passwords.getOrDefault(ADMIN_USER, randomSecret()));
    passwords.forEach(
        (user, password) -> {
          checkUser(user);
          if (!PASSWORD
              .matcher(Objects.requireNonNull(password, "password of " + user))
              .matches()) {
            throw new IllegalArgumentException(
                "password of "
                    + user
                    + " must be 8 to 128 characters without spaces, quotes, backslashes, commas,"
                    + " '=' or brackets (it goes into a JAAS line and a SCRAM argument)");
          }
          all.put(user, password);
        });
    return new BrokerSecurity(all, randomSecret());
  }

  /**
   * The passwords a broker's data dir was formatted with ({@code user=password} lines of its
   * credentials file), if this profile ran there before: a restart by a new JVM must reuse them.
   */
  static Optional<Map<String, String>> savedPasswords(Path dataDir) {
    Path file = dataDir.resolve(SECURITY_DIR_NAME).resolve(CREDENTIALS_FILE_NAME);
    return Files.isRegularFile(file) ? Optional.of(BrokerConfig.read(file)) : Optional.empty();
  }

  /** Every user with a SCRAM credential, the super users first. */
  public Set<String> users() {
    return passwords.keySet();
  }

  /** The password of {@code user}. */
  public String password(String user) {
    String password = passwords.get(user);
    if (password == null) {
      throw new IllegalArgumentException("no such user: " + user + "; users: " + users());
    }
    return password;
  }

  /** The PEM certificate clients trust; there once the broker was started. */
  public Path trustStoreFile() {
    return requireSecurityDir().resolve(TRUST_STORE_FILE_NAME);
  }

  /**
   * The client properties that connect as {@code user}: SASL_SSL, SCRAM-SHA-512, its JAAS line and
   * the broker's certificate as trust store. Add {@code bootstrap.servers}.
   */
  public Map<String, String> clientProperties(String user) {
    return clientProperties(user, password(user));
  }

  /** Like {@link #clientProperties(String)} with any password: to show that a wrong one fails. */
  public Map<String, String> clientProperties(String user, String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", LISTENER);
    p.put("sasl.mechanism", MECHANISM);
    p.put("sasl.jaas.config", jaas(user, password));
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", trustStoreFile().toString());
    return Collections.unmodifiableMap(p);
  }

  /**
   * The broker properties of this profile for a node whose client listener is {@code host:port} and
   * whose controller listener is {@code host:controllerPort}; they replace the PLAINTEXT ones of
   * {@link BrokerConfig}. Files live in {@code securityDir}.
   */
  synchronized Map<String, String> brokerProperties(
      String host, int port, int controllerPort, Path dataDir) {
    Path dir = dataDir.resolve(SECURITY_DIR_NAME);
    if (securityDir != null && !securityDir.equals(dir)) {
      throw new IllegalStateException(
          "a security profile serves one broker; it already serves the one in " + securityDir);
    }
    this.securityDir = dir;
    Path keyStore = securityDir.resolve(KEY_STORE_FILE_NAME);
    Map<String, String> p = new LinkedHashMap<>();
    p.put(
        "listeners",
        LISTENER
            + "://"
            + host
            + ":"
            + port
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + host
            + ":"
            + controllerPort);
    p.put("advertised.listeners", LISTENER + "://" + host + ":" + port);
    p.put("listener.security.protocol.map", LISTENER + ":SASL_SSL," + CONTROLLER_LISTENER + ":SSL");
    p.put("inter.broker.listener.name", LISTENER);
    p.put("sasl.enabled.mechanisms", MECHANISM);
    p.put("sasl.mechanism.inter.broker.protocol", MECHANISM);
    p.put(
        "listener.name."
            + LISTENER.toLowerCase()
            + "."
            + MECHANISM.toLowerCase()
            + ".sasl.jaas.config",
        jaas(BROKER_USER, password(BROKER_USER)));
    // One key pair for every listener: the broker presents it to clients, and to the controller
    // listener as its client certificate.
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", keyStore.toString());
    p.put("ssl.keystore.password", keyStorePassword);
    p.put("ssl.key.password", keyStorePassword);
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.location", securityDir.resolve(TRUST_STORE_FILE_NAME).toString());
    p.put("listener.name." + CONTROLLER_LISTENER.toLowerCase() + ".ssl.client.auth", "required");
    p.put("ssl.principal.mapping.rules", "RULE:^CN=([^,]+)(,.*)?$/$1/,DEFAULT");
    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.put("allow.everyone.if.no.acl.found", "false");
    p.put("super.users", "User:" + BROKER_USER + ";User:" + ADMIN_USER);
    return p;
  }

  /**
   * Writes the key store, the PEM certificate and the credentials file into the security dir,
   * unless this instance already did (a restart keeps the certificate clients already trust).
   *
   * @return the credentials file, for {@link BrokerProcessMain}
   */
  synchronized Path prepareFiles() {
    Path dir = requireSecurityDir();
    Path keyStore = dir.resolve(KEY_STORE_FILE_NAME);
    Path certificate = dir.resolve(TRUST_STORE_FILE_NAME);
    Path credentials = dir.resolve(CREDENTIALS_FILE_NAME);
    try {
      Files.createDirectories(dir);
      if (!Files.isRegularFile(keyStore) || !Files.isRegularFile(certificate) || !generated) {
        Files.deleteIfExists(keyStore);
        Files.deleteIfExists(certificate);
        generateCertificate(keyStore, certificate);
        generated = true;
      }
      writeOwnerOnly(credentials, credentialsText());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare the broker's TLS and SCRAM files in " + dir, e);
    }
    return credentials;
  }

  private void generateCertificate(Path keyStore, Path certificate) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    keytool(
        keytool,
        List.of(
            "-genkeypair",
            "-alias",
            BROKER_USER,
            "-keyalg",
            "EC",
            "-groupname",
            "secp256r1",
            "-sigalg",
            "SHA256withECDSA",
            "-dname",
            "CN=" + BROKER_USER,
            "-ext",
            "SAN=ip:127.0.0.1,dns:localhost",
            "-validity",
            "30",
            "-storetype",
            "PKCS12",
            "-keystore",
            keyStore.toString(),
            "-storepass:env",
            "MNIST_STORE_PASSWORD",
            "-keypass:env",
            "MNIST_STORE_PASSWORD"));
    keytool(
        keytool,
        List.of(
            "-exportcert",
            "-rfc",
            "-alias",
            BROKER_USER,
            "-keystore",
            keyStore.toString(),
            "-storepass:env",
            "MNIST_STORE_PASSWORD",
            "-file",
            certificate.toString()));
  }

  private void keytool(Path keytool, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(keytool.toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("MNIST_STORE_PASSWORD", keyStorePassword);
    try {
      Process process = pb.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args.get(0) + " did not finish in time");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "keytool "
                + args.get(0)
                + " failed (exit "
                + process.exitValue()
                + "): "
                + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + keytool, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  /** {@code user=password} lines, read back by {@link BrokerProcessMain#scramArguments}. */
  private String credentialsText() {
    return passwords.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  static void writeOwnerOnly(Path file, String text) throws IOException {
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException notPosix) {
      Files.createFile(file);
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private synchronized Path requireSecurityDir() {
    if (securityDir == null) {
      throw new IllegalStateException("this security profile belongs to no broker yet");
    }
    return securityDir;
  }

  static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static String checkUser(String user) {
    if (user == null || !USER_NAME.matcher(user).matches()) {
      throw new IllegalArgumentException(
          "not a plain user name (letters, digits, '.', '_', '-'; at most 64): " + user);
    }
    return user;
  }

  /** 24 random bytes, URL-safe Base64: no quote, backslash, comma or bracket to escape. */
  private static String randomSecret() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
