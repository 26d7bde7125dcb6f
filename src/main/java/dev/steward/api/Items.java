package dev.steward.api;

import java.util.List;

/** Every list response: {@code {"items": [...]}}, so fields can be added next to it later. */
public record Items<T>(List<T> items) {
}
