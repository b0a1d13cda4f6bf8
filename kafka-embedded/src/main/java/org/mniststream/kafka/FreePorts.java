package org.mniststream.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free loopback ports, for a broker's listeners or an HTTP server a run or a test starts. */
public final class FreePorts {

  private FreePorts() {}

  /** One free loopback port. */
  public static int loopback() {
    return loopback(1)[0];
  }

  /**
   * {@code count} distinct free loopback ports. All sockets are held open until every port is
   * picked, so the kernel cannot hand out the same port twice.
   */
  public static int[] loopback(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Closing a listening socket that never accepted cannot lose anything.
        }
      }
    }
  }
}
