package org.nodulab.ui.internal;

import java.util.function.Function;

import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;

/** Table columns of the workbench's lists. */
final class Columns {

	private Columns() {
	}

	/** A column showing {@code text} of each row of type {@code T}, sized by weight. */
	static <T> TableViewerColumn add(TableViewer viewer, TableColumnLayout layout, String title, int weight, Class<T> type,
			Function<T, String> text) {
		TableViewerColumn c = new TableViewerColumn(viewer, SWT.LEFT);
		c.getColumn().setText(title);
		c.setLabelProvider(new ColumnLabelProvider() {
			@Override
			public String getText(Object element) {
				return text.apply(type.cast(element));
			}
		});
		layout.setColumnData(c.getColumn(), new ColumnWeightData(weight, 40, true));
		return c;
	}
}
