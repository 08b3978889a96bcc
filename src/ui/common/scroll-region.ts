import type { Attachment } from 'svelte/attachments';

/**
 * For a container that scrolls sideways when its chart or table is wider than the screen (a phone, a 12-head model):
 * while its content is wider than it, the container becomes a named region in the tab order, so a keyboard user can
 * focus it and scroll with the arrow keys and a screen reader announces what it holds. While everything fits it is a
 * plain element again (no empty tab stop). Use as `<div class="scroll" {@attach scrollRegion('Attention matrix')}>`.
 */
export function scrollRegion(label: string): Attachment<HTMLElement> {
  return (element) => {
    const update = () => {
      const scrolls = element.scrollWidth > element.clientWidth + 1 || element.scrollHeight > element.clientHeight + 1;
      if (scrolls) {
        element.setAttribute('tabindex', '0');
        element.setAttribute('role', 'region');
        element.setAttribute('aria-label', label);
      } else if (element.getAttribute('tabindex') === '0') {
        element.removeAttribute('tabindex');
        element.removeAttribute('role');
        element.removeAttribute('aria-label');
      }
    };
    // The container's own size changes with the window; its content's with every new result.
    const resize = new ResizeObserver(update);
    const observeChildren = () => {
      resize.disconnect();
      resize.observe(element);
      for (const child of element.children) resize.observe(child);
      update();
    };
    const mutations = new MutationObserver(observeChildren);
    mutations.observe(element, { childList: true });
    observeChildren();
    return () => {
      resize.disconnect();
      mutations.disconnect();
    };
  };
}
