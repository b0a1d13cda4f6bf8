package org.mniststream.dashboard;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the few samples the page shows from a Prometheus text exposition (format 0.0.4): enough of
 * the format for {@code name{label="value",...} number} lines; comments and anything else are
 * skipped.
 */
final class PrometheusText {
  private PrometheusText() {}

  record Sample(String name, Map<String, String> labels, double value) {}

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample s = parseLine(line);
      if (s != null) {
        samples.add(s);
      }
    }
    return samples;
  }

  private static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space;
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    if (brace >= 0 && brace < line.indexOf(' ')) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          return null;
        }
        String key = line.substring(i, eq).strip();
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; j < line.length() && line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char e = line.charAt(++j);
            value.append(e == 'n' ? '\n' : e);
          } else {
            value.append(c);
          }
        }
        labels.put(key, value.toString());
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
      space = i + 1;
    } else {
      space = line.indexOf(' ');
      if (space < 0) {
        return null;
      }
      name = line.substring(0, space);
    }
    if (space >= line.length()) {
      return null;
    }
    String[] rest = line.substring(space).strip().split("\\s+");
    try {
      return new Sample(name, labels, Double.parseDouble(rest[0]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The sum of every sample named {@code name} (all label sets), NaN when there is none. */
  static double sum(List<Sample> samples, String name) {
    double sum = 0;
    boolean found = false;
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        sum += s.value();
        found = true;
      }
    }
    return found ? sum : Double.NaN;
  }

  /** Sums of the samples named {@code name}, by the value of label {@code label}. */
  static Map<String, Double> sumBy(List<Sample> samples, String name, String label) {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (Sample s : samples) {
      if (s.name().equals(name)) {
        sums.merge(s.labels().getOrDefault(label, ""), s.value(), Double::sum);
      }
    }
    return sums;
  }
}
