package org.nodulab.cli.internal;

/** A command that computes on a device (trains or scores networks): as a job it waits for a free device. */
interface DeviceWork {
}
