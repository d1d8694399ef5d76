package org.nodulab.volume.supplier.metaimage;

import java.nio.ByteBuffer;

/** MetaImage element types, with their size and how to read one value as a double. */
public enum ElementType {
	MET_CHAR(1), MET_UCHAR(1), MET_SHORT(2), MET_USHORT(2), MET_INT(4), MET_UINT(4), MET_LONG(8), MET_ULONG(8),
	MET_LONG_LONG(8), MET_ULONG_LONG(8), MET_FLOAT(4), MET_DOUBLE(8);

	private final int bytes;

	ElementType(int bytes) {
		this.bytes = bytes;
	}

	public int bytes() {
		return bytes;
	}

	/** The value at byte offset {@code offset} of {@code data} (in the buffer's byte order). */
	public double read(ByteBuffer data, int offset) {
		return switch (this) {
		case MET_CHAR -> data.get(offset);
		case MET_UCHAR -> data.get(offset) & 0xff;
		case MET_SHORT -> data.getShort(offset);
		case MET_USHORT -> data.getShort(offset) & 0xffff;
		case MET_INT -> data.getInt(offset);
		case MET_UINT -> data.getInt(offset) & 0xffffffffL;
		case MET_LONG, MET_LONG_LONG -> data.getLong(offset);
		case MET_ULONG, MET_ULONG_LONG -> {
			long v = data.getLong(offset);
			yield v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
		}
		case MET_FLOAT -> data.getFloat(offset);
		case MET_DOUBLE -> data.getDouble(offset);
		};
	}

	/** The type named in a header, or null. */
	public static ElementType named(String name) {
		for (ElementType t : values()) {
			if (t.name().equals(name)) {
				return t;
			}
		}
		return null;
	}
}
