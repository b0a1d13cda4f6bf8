package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.cli.SideBySide.Ratios;
import org.mniststream.cli.SideBySide.Run;
import org.mniststream.cli.SideBySide.Side;
import org.mniststream.cli.SideBySide.Spread;
import org.mniststream.cli.SideBySide.Summary;
import org.mniststream.cli.SideBySide.Variant;

class SideBySideTest {
  private static Run run(Side side, int i, double throughput, double p99, double cpu) {
    return new Run(side, "", i, 1000, 1000, 0, 0, throughput, p99 / 2, p99, cpu, Double.NaN);
  }

  private final List<Run> runs =
      List.of(
          run(Side.PRODUCT, 1, 4000, 80, 0.30),
          run(Side.NAIVE, 1, 500, 900, 2.00),
          run(Side.PRODUCT, 2, 3000, 120, 0.20),
          run(Side.NAIVE, 2, 700, 400, 1.00),
          run(Side.PRODUCT, 3, 5000, 100, 0.25),
          run(Side.NAIVE, 3, 600, 500, 1.50));

  @Test
  void shouldTakeTheMiddleValueOfAnOddCountAndTheMeanOfTheTwoMiddleOnesOfAnEvenCount() {
    assertThat(Spread.of(List.of(3.0, 1.0, 2.0))).isEqualTo(new Spread(2.0, 1.0, 3.0));
    assertThat(Spread.of(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(new Spread(2.5, 1.0, 4.0));
    assertThat(Spread.of(List.of(7.0))).isEqualTo(new Spread(7.0, 7.0, 7.0));
    assertThat(Spread.of(List.of()).median()).isNaN();
  }

  @Test
  void shouldSummarizeEachSideOverItsOwnRunsOnly() {
    Summary product = Summary.of("product", runs);

    assertThat(product.runs()).isEqualTo(3);
    assertThat(product.throughput()).isEqualTo(new Spread(4000, 3000, 5000));
    assertThat(product.p99Ms()).isEqualTo(new Spread(100, 80, 120));
    assertThat(product.p50Ms()).isEqualTo(new Spread(50, 40, 60));
    assertThat(product.cpu()).isEqualTo(new Spread(0.25, 0.20, 0.30));
  }

  @Test
  void shouldDivideTheProductsMediansByTheNaiveOnes() {
    Ratios q = Ratios.of(Summary.of("product", runs), Summary.of("naive", runs));

    assertThat(q.throughput()).isCloseTo(4000.0 / 600, within(1e-9));
    assertThat(q.p99()).isCloseTo(100.0 / 500, within(1e-9));
    assertThat(q.cpuPerEvent()).isCloseTo(0.25 / 1.5, within(1e-9));
  }

  @Test
  void shouldPrintEveryRunThenBothMediansWithSpreadThenTheRatios() {
    String table = SideBySide.table(runs);

    assertThat(table.lines().filter(l -> l.startsWith("product ")).count()).isEqualTo(4);
    assertThat(table.lines().filter(l -> l.startsWith("naive ")).count()).isEqualTo(4);
    assertThat(table)
        .contains("product    3 runs   events/s 4000 (3000-5000)   p50 50.0 (40.0-60.0) ms")
        .contains("p99 100.0 (80.0-120.0) ms   CPU 0.250 (0.200-0.300) ms/event")
        .contains("product/naive   throughput 6.67x   p99 0.20x   CPU per event 0.17x")
        .doesNotContain("not out when stopped");
  }

  @Test
  void shouldFlagARunThatLostEventsAndLeaveOutRatiosWithOneSide() {
    Run lossy = new Run(Side.PRODUCT, "", 1, 1000, 990, 0, 5, 900, 5, 10, 0.3, 2.5);

    String table = SideBySide.table(List.of(lossy));

    assertThat(lossy.accounted()).isFalse();
    assertThat(table)
        .contains("(5 not out when stopped: queued or lost)")
        .doesNotContain("product/naive");
  }

  private static Run variant(String name, int i, double throughput, double p99, double cpu) {
    return new Run(
        Side.PRODUCT, name, i, 1000, 1000, 0, 0, throughput, p99 / 2, p99, cpu, cpu * 10);
  }

  @Test
  void shouldParseAVariantsNameAndTheSettingsItChanges() {
    assertThat(Variant.parse("fixed")).isEqualTo(new Variant("fixed", List.of()));
    assertThat(Variant.parse("fixed=")).isEqualTo(new Variant("fixed", List.of()));
    assertThat(
            Variant.parse(
                "b25-alos=inference.latency-budget-ms=25, processing.guarantee = at_least_once"))
        .isEqualTo(
            new Variant(
                "b25-alos",
                List.of("inference.latency-budget-ms=25", "processing.guarantee=at_least_once")));
    assertThat(Variant.parse("url=schema.registry.url=http://h:1/a=b").settings())
        .containsExactly("schema.registry.url=http://h:1/a=b");
  }

  @Test
  void shouldRefuseAMalformedVariantInOneLine() {
    assertThatThrownBy(() -> Variant.parse("=inference.batch.size=8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--variant needs NAME");
    assertThatThrownBy(() -> Variant.parse("b/25=x=1")).hasMessageContaining("got 'b/25=x=1'");
    assertThatThrownBy(() -> Variant.parse("b25=inference.latency-budget-ms"))
        .hasMessage("--variant b25: 'inference.latency-budget-ms' is not key=value");
    assertThatThrownBy(() -> Variant.parse("b25=a=1,,b=2"))
        .hasMessage("--variant b25: '' is not key=value");
    assertThatThrownBy(() -> Variant.parseAll(List.of("a", "b=x=1", "a=y=2")))
        .hasMessage("--variant a is named twice");
    assertThatThrownBy(() -> Variant.parseAll(List.of("naive"))).hasMessageContaining("naive peer");
  }

  @Test
  void shouldSummarizeEachVariantAndDivideEveryOtherByTheFirst() {
    List<Run> curve =
        List.of(
            variant("fixed", 1, 1000, 100, 0.80),
            variant("budget-25", 1, 1000, 60, 0.40),
            variant("fixed", 2, 1000, 120, 0.60),
            variant("budget-25", 2, 1000, 80, 0.50),
            variant("fixed", 3, 1000, 110, 0.70),
            variant("budget-25", 3, 1000, 70, 0.45),
            run(Side.NAIVE, 1, 500, 1000, 1.40));

    String table = SideBySide.table(curve);

    assertThat(Summary.of("budget-25", curve).p99Ms()).isEqualTo(new Spread(70, 60, 80));
    assertThat(table.lines().filter(l -> l.startsWith("budget-25 ")).count()).isEqualTo(4);
    assertThat(table)
        .contains("fixed       3 runs   events/s 1000 (1000-1000)   p50 55.0 (50.0-60.0) ms")
        .contains("budget-25   3 runs   events/s 1000 (1000-1000)")
        .contains("CPU 0.450 (0.400-0.500) ms/event   batch 4.5 (4.0-5.0)")
        .contains("budget-25/fixed   throughput 1.00x   p99 0.64x   CPU per event 0.64x")
        .contains("naive/fixed   throughput 0.50x   p99 9.09x   CPU per event 2.00x")
        .doesNotContain("product/naive");
  }
}
