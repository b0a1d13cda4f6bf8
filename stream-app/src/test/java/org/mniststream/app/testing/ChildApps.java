package org.mniststream.app.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.mniststream.kafka.ChildJvm;

/** Waiting for a stream app run as a child JVM: alive, and its {@code /ready} answering 200. */
public final class ChildApps {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ChildApps() {}

  /** Waits until {@code app} answers 200 on {@code /ready}; fails at once if its JVM dies. */
  public static void awaitReady(ChildJvm app, int port, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(app.isAlive()).as("child JVM alive").isTrue();
              assertThat(ready(port)).isEqualTo(200);
            });
  }

  /** The status of {@code /ready} on the loopback port, or -1 when nothing answers. */
  private static int ready(int port) {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
