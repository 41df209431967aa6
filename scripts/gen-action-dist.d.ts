export declare const DIST_FILE: string;
export declare function bundleAction(): Promise<string>;
