package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChaosCommandTest {

  /** The fault sequence the command would run: K for a kill, B for a broker restart. */
  private static String schedule(int kills, int brokerRestarts) {
    int faults = kills + brokerRestarts;
    StringBuilder sequence = new StringBuilder();
    int restarted = 0;
    for (int done = 0; done < faults; done++) {
      if (ChaosCommand.brokerRestartDue(done, faults, brokerRestarts, restarted)) {
        restarted++;
        sequence.append('B');
      } else {
        sequence.append('K');
      }
    }
    return sequence.toString();
  }

  @Test
  void shouldSpreadBrokerRestartsAmongTheKills() {
    assertThat(schedule(4, 1)).isEqualTo("KKBKK");
    assertThat(schedule(4, 2)).isEqualTo("KBKKKB");
    assertThat(schedule(0, 2)).isEqualTo("BB");
    assertThat(schedule(3, 0)).isEqualTo("KKK");
    assertThat(schedule(1, 3)).isEqualTo("BKBB");
  }
}
