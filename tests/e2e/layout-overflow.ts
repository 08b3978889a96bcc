import type { Page } from 'playwright-core';

/** The widths every layout is checked at: a laptop, a small laptop, a tablet held upright, a phone. */
export const LAYOUT_WIDTHS = [1280, 1024, 768, 390] as const;

/** What is wrong with a page's horizontal layout at one width; an empty `problems` list is a good layout. */
export interface OverflowReport {
  width: number;
  problems: string[];
}

/**
 * Looks for everything a user cannot see or reach sideways at the page's current size:
 * - the document wider than the window (a sideways scrollbar on the whole page);
 * - an element whose right edge passes the window, or its panel's (section, aside, .panel, dialog) right edge;
 * - a button or label whose own text does not fit in it, or text cut off by `overflow: hidden`;
 * - text inside a chart (SVG) cut off by the chart's edge.
 * Elements inside a container that scrolls sideways on purpose (overflow-x auto or scroll) are left alone, but such a
 * container, when its content is wider than it, must be reachable and named for keyboard and screen-reader users:
 * tabindex="0" (or a focusable child) and an accessible name. Each problem names the element by a short selector.
 */
export async function findOverflow(page: Page): Promise<OverflowReport> {
  return page.evaluate(() => {
    const slack = 1;
    const viewport = document.documentElement.clientWidth;
    const problems: string[] = [];
    const add = (problem: string) => problems.push(problem);
    /** Edges past the window or panel by element: an element past it only because a child is, is not named. */
    const edges = new Map<Element, string[]>();
    const addEdge = (element: Element, problem: string) => edges.set(element, [...(edges.get(element) ?? []), problem]);

    const describe = (element: Element): string => {
      const parts: string[] = [];
      let node: Element | null = element;
      while (node && node !== document.body && parts.length < 4) {
        let part = node.tagName.toLowerCase();
        const testId = node.getAttribute('data-testid');
        if (node.id) part += `#${node.id}`;
        else if (testId) part += `[data-testid="${testId}"]`;
        else {
          const classes = [...node.classList].filter((name) => !name.startsWith('svelte-'));
          if (classes.length) part += `.${classes.join('.')}`;
        }
        parts.unshift(part);
        if (node.id || testId) break;
        node = node.parentElement;
      }
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `${parts.join(' > ')}${text ? ` ("${text}")` : ''}`;
    };

    const shown = (element: Element): boolean => {
      if (!element.getClientRects().length) return false;
      const style = getComputedStyle(element);
      return style.visibility !== 'hidden' && style.display !== 'contents';
    };

    /** Screen-reader-only text (1 px, clipped) is meant to be invisible. */
    const visuallyHidden = (element: Element): boolean => {
      for (let node: Element | null = element; node; node = node.parentElement) {
        const rect = node.getBoundingClientRect();
        const style = getComputedStyle(node);
        if (rect.width <= 1 && rect.height <= 1 && style.overflow !== 'visible') return true;
        if (style.clip !== 'auto' && style.position === 'absolute') return true;
      }
      return false;
    };

    const scrollsSideways = (element: Element): boolean => {
      const overflowX = getComputedStyle(element).overflowX;
      return overflowX === 'auto' || overflowX === 'scroll';
    };

    const scrollerOf = (element: Element): Element | null => {
      for (let node = element.parentElement; node && node !== document.documentElement; node = node.parentElement)
        if (node !== document.body && scrollsSideways(node)) return node;
      return null;
    };

    const panelOf = (element: Element): Element | null =>
      element.parentElement?.closest('section, aside, .panel, dialog, [role="tabpanel"], [role="dialog"]') ?? null;

    const focusable = 'a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex="-1"])';
    const named = (element: Element): boolean =>
      Boolean(element.getAttribute('aria-label')?.trim() || element.getAttribute('aria-labelledby'));

    if (document.documentElement.scrollWidth > viewport + slack)
      add(`document: ${document.documentElement.scrollWidth}px wide in a ${viewport}px window`);

    for (const element of document.body.querySelectorAll('*')) {
      if (!shown(element) || visuallyHidden(element)) continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 && rect.height === 0) continue;
      const isSvgChild = element instanceof SVGElement && !(element instanceof SVGSVGElement);
      const scroller = scrollerOf(element);

      // A container that scrolls sideways and has more than it shows: it must be reachable and named.
      if (scrollsSideways(element) && element.scrollWidth > element.clientWidth + slack) {
        const reachable =
          (element.getAttribute('tabindex') !== null && element.getAttribute('tabindex') !== '-1') ||
          element.querySelector(focusable) !== null;
        if (!reachable || !named(element))
          add(
            `${describe(element)}: scrolls sideways but ${!reachable ? 'cannot be reached by keyboard' : 'has no accessible name'}`,
          );
      }

      if (!scroller && !isSvgChild) {
        if (rect.right > viewport + slack)
          addEdge(
            element,
            `${describe(element)}: right edge at ${Math.round(rect.right)}px, past the ${viewport}px window`,
          );
        const panel = panelOf(element);
        if (panel && !scroller) {
          const edge = panel.getBoundingClientRect().right;
          if (rect.right > edge + slack)
            addEdge(
              element,
              `${describe(element)}: right edge at ${Math.round(rect.right)}px, past its panel ${describe(panel).split(' (')[0]} (${Math.round(edge)}px)`,
            );
        }
      }

      // Text that does not fit its own box: a clipped button label, a cell cut off by overflow: hidden.
      const tag = element.tagName.toLowerCase();
      if (!['input', 'textarea', 'select', 'svg', 'html', 'body'].includes(tag) && !isSvgChild) {
        const style = getComputedStyle(element);
        const clips = style.overflowX === 'hidden' || style.overflowX === 'clip';
        const ownText = [...element.childNodes].some(
          (node) => node.nodeType === Node.TEXT_NODE && (node.textContent ?? '').trim() !== '',
        );
        if ((clips || tag === 'button') && ownText && element.scrollWidth > element.clientWidth + slack)
          add(
            `${describe(element)}: its text needs ${element.scrollWidth}px and has ${element.clientWidth}px${style.textOverflow === 'ellipsis' ? ' (cut off with an ellipsis)' : ''}`,
          );
      }

      // Chart text cut off at the chart's edge (an <svg> hides what falls outside it).
      if (element instanceof SVGSVGElement && !(element.parentElement instanceof SVGElement)) {
        const box = element.getBoundingClientRect();
        for (const label of element.querySelectorAll('text')) {
          if (!shown(label) || !(label.textContent ?? '').trim()) continue;
          const r = label.getBoundingClientRect();
          if (
            r.left < box.left - slack ||
            r.right > box.right + slack ||
            r.top < box.top - slack ||
            r.bottom > box.bottom + slack
          )
            add(
              `${describe(element)}: chart text "${(label.textContent ?? '').trim().slice(0, 30)}" cut off at the chart's edge`,
            );
        }
      }
    }
    // Inside an element that is too wide, its children are too: name only where the overflow starts, the elements
    // that stick out of their parent (a child stretched to a too-wide parent is not the cause).
    const starts = [...edges.keys()].filter((element) => {
      const parent = element.parentElement;
      if (!parent || !edges.has(parent)) return true;
      return element.getBoundingClientRect().right > parent.getBoundingClientRect().right + slack;
    });
    return { width: viewport, problems: [...problems, ...starts.flatMap((element) => edges.get(element) ?? [])] };
  });
}

/** Checks the page at every width (the height stays), and returns the problems found, one line each with its width. */
export async function overflowAtEveryWidth(page: Page, state: string, height = 900): Promise<string[]> {
  const found: string[] = [];
  for (const width of LAYOUT_WIDTHS) {
    await page.setViewportSize({ width, height });
    // A resize settles over a chain of frames (the window lays out, a chart measures itself and redraws, its
    // scrolling box sees the new content and becomes a region), longer on a loaded machine: a problem counts
    // only if it is still there after the page has had up to 20 frame pairs to settle.
    const twoFrames = () =>
      page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await twoFrames();
    let report = await findOverflow(page);
    for (let attempt = 0; attempt < 20 && report.problems.length > 0; attempt++) {
      await twoFrames();
      report = await findOverflow(page);
    }
    for (const problem of report.problems) found.push(`${state} at ${width}px: ${problem}`);
  }
  return found;
}
