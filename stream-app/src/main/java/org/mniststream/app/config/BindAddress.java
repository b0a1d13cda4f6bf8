package org.mniststream.app.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The syntax of a listen address: an IPv4 or IPv6 literal, or a host name (RFC 1123 labels).
 * Checked on the text alone, so a typo is refused in one line at start-up without a DNS lookup; a
 * well formed name that does not resolve is refused when the endpoint binds.
 */
final class BindAddress {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private BindAddress() {}

  static boolean isHostOrIp(String text) {
    if (text.isEmpty() || text.length() > 253) {
      return false;
    }
    if (IPV4.matcher(text).matches()) {
      return true;
    }
    String unbracketed =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (unbracketed.contains(":")) {
      return IPV6.matcher(unbracketed).matches() && isIpv6(unbracketed);
    }
    if (text.chars().allMatch(c -> Character.isDigit(c) || c == '.')) {
      return false; // digits and dots that are not a valid IPv4 address, such as 127.0.0.256
    }
    for (String label : text.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIpv6(String text) {
    try {
      // a literal with a ':' is parsed, never looked up
      return InetAddress.getByName("[" + text + "]") instanceof Inet6Address || text.contains(".");
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
