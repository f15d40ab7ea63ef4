package io.tokenguard.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.tokenguard.agent.guard.RequestEvent;
import io.tokenguard.agent.guard.UpstreamEvent;
import io.tokenguard.agent.guard.Violation;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class HtmlReportTest {
    private static final String XHTML = "http://www.w3.org/1999/xhtml";
    private static final String SVG = "http://www.w3.org/2000/svg";

    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

    /** Second 0: a burst of 4 requests, 1 upstream; second 1 quiet; second 2: 2 throttled, 2 violations. */
    private void storm(Telemetry telemetry, Timeline timeline) {
        for (int i = 0; i < 4; i++) {
            both(telemetry, timeline, t -> t.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-",
                    "upstream")));
        }
        both(telemetry, timeline, t -> t.onUpstream(new UpstreamEvent("eloqua", "unknown", 200, 5_000_000, -1)));
        millis.addAndGet(2_000);
        for (int i = 0; i < 2; i++) {
            both(telemetry, timeline, t -> t.onRequest(new RequestEvent("eloqua", "password", "sample-app-client", "-",
                    "throttled")));
            Violation v = new Violation("eloqua", "sample-app-client", "h", "password", Violation.LOCAL_LIMIT,
                    Violation.REJECTED, 60, "1/60s");
            both(telemetry, timeline, t -> t.onViolation(v));
        }
    }

    private interface Call {
        void on(io.tokenguard.agent.guard.GuardListener listener);
    }

    private static void both(Telemetry telemetry, Timeline timeline, Call call) {
        call.on(telemetry);
        call.on(timeline);
    }

    private static Document parse(String page) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // Well-formed on its own: no DTD is fetched, nothing outside the file is needed.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(new ByteArrayInputStream(page.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theReportIsWellFormedXhtmlWithTheTableAndTheTimelineSeries() throws Exception {
        Timeline timeline = new Timeline(millis::get, 3600);
        String page;
        try (Telemetry telemetry = new Telemetry()) {
            storm(telemetry, timeline);
            RunReport report = RunReport.of(telemetry.summaryRegistry(), "enforce");
            page = HtmlReport.render(report, telemetry.summaryRegistry(), timeline.snapshot(), "enforce");
        }

        Document doc = parse(page);
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo(XHTML);
        assertThat(textOf(doc, XHTML, "b")).contains("fail");
        assertThat(textOf(doc, XHTML, "li")).containsExactly("eloqua: local_limit (rejected) x2");

        List<Map<String, String>> rows = tableRows(doc);
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0)).containsEntry("endpoint", "eloqua").containsEntry("requests", "6")
                .containsEntry("upstream", "1").containsEntry("sent", "4").containsEntry("throttled", "2")
                .containsEntry("violations", "2");

        NodeList svgs = doc.getElementsByTagNameNS(SVG, "svg");
        assertThat(svgs.getLength()).isEqualTo(1);
        Element svg = (Element) svgs.item(0);
        assertThat(svg.getAttribute("data-start")).isEqualTo("1800000000");
        assertThat(svg.getAttribute("data-seconds")).isEqualTo("3");
        Map<String, Element> series = new HashMap<>();
        NodeList lines = svg.getElementsByTagNameNS(SVG, "polyline");
        for (int i = 0; i < lines.getLength(); i++) {
            Element line = (Element) lines.item(i);
            series.put(line.getAttribute("data-series"), line);
        }
        assertThat(series).containsOnlyKeys("requests", "upstream", "violations");
        assertThat(series.get("requests").getAttribute("data-values")).isEqualTo("4 0 2");
        assertThat(series.get("upstream").getAttribute("data-values")).isEqualTo("1 0 0");
        assertThat(series.get("violations").getAttribute("data-values")).isEqualTo("0 0 2");
        // The peak (4 requests in second 0) is drawn at the top of the plot, a quiet second on its floor.
        String[] points = series.get("requests").getAttribute("points").split(" ");
        assertThat(points).hasSize(3);
        double top = Double.parseDouble(points[0].split(",")[1]);
        double floor = Double.parseDouble(points[1].split(",")[1]);
        assertThat(top).isLessThan(floor);
        assertThat(Double.parseDouble(series.get("upstream").getAttribute("points").split(" ")[1].split(",")[1]))
                .isEqualTo(floor);
    }

    @Test
    void thePageNeedsNothingFromOutside() throws Exception {
        Timeline timeline = new Timeline(millis::get, 3600);
        String page;
        try (Telemetry telemetry = new Telemetry()) {
            storm(telemetry, timeline);
            page = HtmlReport.render(RunReport.of(telemetry.summaryRegistry(), "observe"),
                    telemetry.summaryRegistry(), timeline.snapshot(), "observe");
        }
        Document doc = parse(page);
        for (String tag : new String[] {"script", "link", "img", "iframe", "object"}) {
            assertThat(doc.getElementsByTagNameNS("*", tag).getLength()).as(tag).isZero();
        }
        // The only URLs are the two namespace names.
        assertThat(page.replace(XHTML, "").replace(SVG, "")).doesNotContain("http:", "https:", "href", "src=",
                "url(", "@import");
    }

    @Test
    void aRunWithoutTokenRequestsIsStillAWellFormedPage() throws Exception {
        Document doc = parse(HtmlReport.render(RunReport.of(null, "enforce"), null, null, "enforce"));
        assertThat(doc.getElementsByTagNameNS(SVG, "svg").getLength()).isZero();
        assertThat(textOf(doc, XHTML, "b")).contains("pass");
    }

    @Test
    void endpointIdsAreEscaped() throws Exception {
        Timeline timeline = new Timeline(millis::get, 10);
        String page;
        try (Telemetry telemetry = new Telemetry()) {
            both(telemetry, timeline, t -> t.onRequest(new RequestEvent("a<b>&\"c'", "password", "c", "-",
                    "cache")));
            page = HtmlReport.render(RunReport.of(telemetry.summaryRegistry(), "enforce"),
                    telemetry.summaryRegistry(), timeline.snapshot(), "enforce");
        }
        assertThat(tableRows(parse(page)).get(0)).containsEntry("endpoint", "a<b>&\"c'");
    }

    @Test
    void writeToReplacesTheFileAndAnUnwritablePathDoesNotThrow() throws Exception {
        Path file = dir.resolve("report.html");
        Files.writeString(file, "old");
        HtmlReport.writeTo(file.toString(), RunReport.of(null, "enforce"), null, null, "enforce");
        assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>").doesNotContain("old");

        Path unwritable = dir.resolve("no-such-dir").resolve("report.html");
        HtmlReport.writeTo(unwritable.toString(), RunReport.of(null, "enforce"), null, null, "enforce");
        assertThat(unwritable).doesNotExist();
    }

    private static List<String> textOf(Document doc, String ns, String tag) {
        List<String> out = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagNameNS(ns, tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent());
        }
        return out;
    }

    /** Table rows as header → cell text. */
    private static List<Map<String, String>> tableRows(Document doc) {
        NodeList trs = doc.getElementsByTagNameNS(XHTML, "tr");
        List<String> headers = new ArrayList<>();
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 0; i < trs.getLength(); i++) {
            Element tr = (Element) trs.item(i);
            NodeList ths = tr.getElementsByTagNameNS(XHTML, "th");
            for (int j = 0; j < ths.getLength(); j++) {
                headers.add(ths.item(j).getTextContent());
            }
            NodeList tds = tr.getElementsByTagNameNS(XHTML, "td");
            if (tds.getLength() > 0) {
                Map<String, String> row = new HashMap<>();
                for (int j = 0; j < tds.getLength(); j++) {
                    row.put(headers.get(j), tds.item(j).getTextContent());
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
