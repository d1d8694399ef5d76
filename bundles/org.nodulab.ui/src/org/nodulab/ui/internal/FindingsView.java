package org.nodulab.ui.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.part.ViewPart;
import org.nodulab.luna16.Prediction;
import org.nodulab.screen.ScreenReport;
import org.nodulab.volume.Volume;
import org.nodulab.volume.VolumeReaderRegistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The findings of a screening ({@code nodulab screen}'s report folder): one row per finding with its position,
 * slice, diameter and probability. Selecting a row opens the slice viewer on the screened scan at that finding,
 * every finding drawn; "Report" opens report.html.
 */
public class FindingsView extends ViewPart {

	public static final String ID = "org.nodulab.ui.views.findings";

	/** One row of findings.csv. */
	public record Finding(int rank, double x, double y, double z, int slice, double diameter, double probability) {
	}

	private Label header;
	private Table table;
	private Button report;
	private Path folder;
	private String seriesuid;
	private Path scan;
	private Map<String, String> readerOptions = Map.of();
	private Volume volume;
	private final List<Finding> findings = new ArrayList<>();

	@Override
	public void createPartControl(Composite parent) {
		Composite top = new Composite(parent, SWT.NONE);
		GridLayoutFactory.fillDefaults().numColumns(2).margins(4, 4).applyTo(top);
		header = new Label(top, SWT.WRAP);
		header.setText("Screen a scan with File > Screen Scan...");
		GridDataFactory.fillDefaults().grab(true, false).applyTo(header);
		report = new Button(top, SWT.PUSH);
		report.setText("Report");
		report.setEnabled(false);
		report.addListener(SWT.Selection, e -> openReport());
		table = new Table(top, SWT.FULL_SELECTION | SWT.SINGLE | SWT.BORDER);
		table.setHeaderVisible(true);
		table.setLinesVisible(true);
		GridDataFactory.fillDefaults().grab(true, true).span(2, 1).applyTo(table);
		for (String[] c : new String[][] { { "#", "40" }, { "x, y, z (mm)", "190" }, { "slice", "60" }, { "diameter (mm)", "120" },
				{ "probability", "90" } }) {
			TableColumn column = new TableColumn(table, SWT.RIGHT);
			column.setText(c[0]);
			column.setWidth(Integer.parseInt(c[1]));
		}
		table.addListener(SWT.Selection, e -> {
			int i = table.getSelectionIndex();
			if (i >= 0) {
				open(i);
			}
		});
	}

	/**
	 * Shows a screening's report folder.
	 *
	 * @throws IOException when its screening.json or findings.csv cannot be read
	 */
	public void show(Path reportFolder) throws IOException {
		JsonNode json = new ObjectMapper().readTree(reportFolder.resolve(ScreenReport.SCREENING_JSON).toFile());
		List<Finding> rows = new ArrayList<>();
		List<String> lines = Files.readAllLines(reportFolder.resolve("findings.csv"));
		for (int i = 1; i < lines.size(); i++) {
			String[] f = lines.get(i).split(",");
			if (f.length < 11) {
				throw new IOException(reportFolder.resolve("findings.csv") + ":" + (i + 1) + ": expected 11 columns (" + ScreenReport.HEADER
						+ "), got " + f.length);
			}
			rows.add(new Finding(Integer.parseInt(f[0]), Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]),
					Integer.parseInt(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10])));
		}
		folder = reportFolder;
		seriesuid = json.path("seriesuid").asText();
		scan = json.path("scan").isTextual() ? Path.of(json.path("scan").asText()) : null;
		Map<String, String> options = new LinkedHashMap<>();
		json.path("readerOptions").properties().forEach(e -> options.put(e.getKey(), e.getValue().asText()));
		readerOptions = options;
		volume = null;
		findings.clear();
		findings.addAll(rows);
		JsonNode op = json.path("operatingPoint");
		header.setText(String.format(Locale.ROOT, "%d finding%s in %s at %s false positive(s) per scan on the models' test scans "
				+ "(probability %.4f or more; %d candidates scored)%s", rows.size(), rows.size() == 1 ? "" : "s", seriesuid,
				op.path("falsePositivesPerScan").asText(), op.path("threshold").asDouble(), json.path("candidates").asInt(),
				scan == null ? "" : "\nscan: " + scan));
		table.removeAll();
		for (Finding f : rows) {
			TableItem item = new TableItem(table, SWT.NONE);
			item.setText(new String[] { Integer.toString(f.rank()), String.format(Locale.ROOT, "%.1f, %.1f, %.1f", f.x(), f.y(), f.z()),
					Integer.toString(f.slice()), String.format(Locale.ROOT, "%.1f", f.diameter()),
					String.format(Locale.ROOT, "%.3f", f.probability()) });
		}
		report.setEnabled(true);
		header.getParent().layout(true, true);
		setPartName("Findings: ..." + seriesuid.substring(Math.max(0, seriesuid.length() - 12)));
	}

	/** The findings shown. */
	public List<Finding> findings() {
		return List.copyOf(findings);
	}

	/** The report folder shown, or null. */
	public Path shown() {
		return folder;
	}

	/**
	 * Opens the slice viewer on the screened scan at finding {@code index} (the scan is read once, on the first
	 * click), with every finding drawn.
	 */
	public SliceView open(int index) {
		Finding f = findings.get(index);
		try {
			if (volume == null) {
				if (scan == null) {
					throw new IOException(folder.resolve(ScreenReport.SCREENING_JSON) + " does not name the screened scan");
				}
				volume = WorkbenchServices.of(getSite()).get(VolumeReaderRegistry.class).read(scan, readerOptions);
			}
			List<Prediction> marks = findings.stream().map(x -> new Prediction(seriesuid, x.x(), x.y(), x.z(), x.probability(), Prediction.UNKNOWN))
					.toList();
			SliceView v = (SliceView) getSite().getPage().showView(SliceView.ID, null, IWorkbenchPage.VIEW_VISIBLE);
			v.show(volume, seriesuid, new double[] { f.x(), f.y(), f.z() }, "lung", marks, List.of(), List.of());
			if (table.getSelectionIndex() != index) {
				table.setSelection(index);
			}
			return v;
		} catch (PartInitException | IOException | org.nodulab.core.registry.ContributionException e) {
			header.setText(e.getMessage());
			return null;
		}
	}

	private void openReport() {
		if (folder == null) {
			return;
		}
		try {
			ReportView v = (ReportView) getSite().getPage().showView(ReportView.ID, Integer.toHexString(folder.hashCode()),
					IWorkbenchPage.VIEW_ACTIVATE);
			v.show(folder.resolve("report.html"));
		} catch (PartInitException e) {
			header.setText(e.getMessage());
		}
	}

	@Override
	public void setFocus() {
		table.setFocus();
	}
}
