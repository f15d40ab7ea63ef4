package io.tokenguard.sample;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * --print-mbeans DOMAIN: what a JMX console would show, read the way one reads it, from the
 * platform MBean server of this very JVM. One {@code SAMPLE-MBEAN <name> Count=<n>} line per MBean
 * that has a Count attribute, in name order, so black-box tests can check an attached agent's MBeans;
 * then one {@code SAMPLE-GAUGE <name> Value=<v>} line per MBean that has a Value attribute instead
 * (a gauge, such as the agent's fleet state).
 */
final class MBeanDump {
    static final String PREFIX = "SAMPLE-MBEAN ";
    static final String GAUGE_PREFIX = "SAMPLE-GAUGE ";

    private MBeanDump() {
    }

    static void print(PrintStream out, String domain) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = new TreeSet<>(server.queryNames(new ObjectName(domain + ":*"), null));
            for (ObjectName name : names) {
                try {
                    out.println(PREFIX + name + " Count=" + server.getAttribute(name, "Count"));
                } catch (Exception noCount) {
                    // Gauges and other MBeans without a Count attribute: the next loop.
                }
            }
            for (ObjectName name : names) {
                try {
                    server.getAttribute(name, "Count");
                } catch (Exception noCount) {
                    try {
                        out.println(GAUGE_PREFIX + name + " Value=" + server.getAttribute(name, "Value"));
                    } catch (Exception noValue) {
                        // Neither a counter nor a gauge: left out.
                    }
                }
            }
        } catch (Exception e) {
            out.println(PREFIX + "unreadable: " + e.getClass().getSimpleName());
        }
    }
}
