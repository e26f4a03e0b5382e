/** @module Test helpers for edusync Stores: the shared conformance suite. */
export {}
