import type { NextConfig } from "next";

// Static export embedded in the Go binary. trailingSlash makes every page a
// folder with an index.html (out/sign-in/index.html), which any file server
// can serve without rewrites.
const nextConfig: NextConfig = {
  output: "export",
  trailingSlash: true,
  images: { unoptimized: true },
  reactStrictMode: true,
  poweredByHeader: false,
  // Only for Jest (next/jest reads this list): the SDK is published as ESM only.
  transpilePackages: ["pocketbase"],
};

export default nextConfig;
