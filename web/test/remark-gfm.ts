/** Jest stand-in for remark-gfm (ESM only): a plugin that does nothing. */
export default function remarkGfm(): void {}
