package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output files are owner-only and never written through a planted link (issue 10 §8). */
class OwnerOnlyFilesTest {
    @TempDir
    Path dir;

    @Test
    void aReportIsCreatedOwnerOnlyAndReplacedWhole() throws Exception {
        Path report = dir.resolve("report.json");
        OwnerOnlyFiles.replace(report.toString(), "first".getBytes(StandardCharsets.UTF_8));
        OwnerOnlyFiles.replace(report.toString(), "second".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(report)).isEqualTo("second");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(report))).isEqualTo("rw-------");
        try (var left = Files.list(dir)) {
            assertThat(left).as("no temp file left behind").containsExactly(report);
        }
    }

    @Test
    void aSymbolicLinkAtTheReportPathIsRefusedAndItsTargetUntouched() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "keep me");
        Path planted = Files.createSymbolicLink(dir.resolve("report.json"), victim);

        assertThatThrownBy(() -> OwnerOnlyFiles.replace(planted.toString(), new byte[] {1}))
                .isInstanceOf(OwnerOnlyFiles.SymbolicLinkRefused.class);
        assertThatThrownBy(() -> OwnerOnlyFiles.append(planted.toString()))
                .isInstanceOf(OwnerOnlyFiles.SymbolicLinkRefused.class);
        assertThat(Files.readString(victim)).isEqualTo("keep me");
        assertThat(Files.isSymbolicLink(planted)).isTrue();
    }

    @Test
    void anEventsFileIsCreatedOwnerOnlyAndAppendedTo() throws Exception {
        Path events = dir.resolve("events.jsonl");
        try (OutputStream out = OwnerOnlyFiles.append(events.toString())) {
            out.write("a\n".getBytes(StandardCharsets.UTF_8));
        }
        try (OutputStream out = OwnerOnlyFiles.append(events.toString())) {
            out.write("b\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(Files.readString(events)).isEqualTo("a\nb\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(events))).isEqualTo("rw-------");
    }

    @Test
    void anEventsSinkOverAPlantedLinkNeverWritesThroughIt() throws Exception {
        Path victim = Files.writeString(dir.resolve("victim"), "keep me");
        Path planted = Files.createSymbolicLink(dir.resolve("events.jsonl"), victim);
        EventSink sink = EventSink.open(planted.toString());
        sink.accept("{\"event\":\"violation\"}");

        assertThat(Files.readString(victim)).isEqualTo("keep me");
    }
}
