package org.mniststream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChaosCommandTest {

  /** The fault sequence the command would run: K for a kill, B for a broker fault. */
  private static String schedule(int kills, int brokerFaults) {
    int faults = kills + brokerFaults;
    StringBuilder sequence = new StringBuilder();
    int brokerFaultsDone = 0;
    for (int done = 0; done < faults; done++) {
      if (ChaosCommand.brokerFaultDue(done, faults, brokerFaults, brokerFaultsDone)) {
        brokerFaultsDone++;
        sequence.append('B');
      } else {
        sequence.append('K');
      }
    }
    return sequence.toString();
  }

  @Test
  void shouldSpreadBrokerFaultsAmongTheKills() {
    assertThat(schedule(4, 1)).isEqualTo("KKBKK");
    assertThat(schedule(4, 2)).isEqualTo("KBKKKB");
    assertThat(schedule(0, 2)).isEqualTo("BB");
    assertThat(schedule(3, 0)).isEqualTo("KKK");
    assertThat(schedule(1, 3)).isEqualTo("BKBB");
  }

  @Test
  void shouldKillTheLeaderThenTheControllerAlternatelyBeforeAnyRestart() {
    assertThat(
            java.util.stream.IntStream.range(0, 4)
                .mapToObj(i -> ChaosCommand.BrokerFault.of(i, 3))
                .toList())
        .containsExactly(
            ChaosCommand.BrokerFault.KILL_PARTITION_LEADER,
            ChaosCommand.BrokerFault.KILL_ACTIVE_CONTROLLER,
            ChaosCommand.BrokerFault.KILL_PARTITION_LEADER,
            ChaosCommand.BrokerFault.RESTART);
  }

  @Test
  void shouldRefuseBrokerKillsOnFewerThanThreeBrokers() throws Exception {
    ChaosCommand chaos = new ChaosCommand();
    chaos.brokers = 1;
    chaos.brokerKills = 1;

    assertThat(chaos.call()).isEqualTo(2);
  }
}
