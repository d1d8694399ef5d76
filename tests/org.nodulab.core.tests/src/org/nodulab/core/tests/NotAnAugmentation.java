package org.nodulab.core.tests;

/** Contributed as an augmentation but implements nothing. */
public class NotAnAugmentation {
}
