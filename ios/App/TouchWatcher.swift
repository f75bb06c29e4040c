import SwiftUI
import UIKit
import UIKit.UIGestureRecognizerSubclass

/// Every touch anywhere in the window counts as use for the idle lock (`AppModel.touched`),
/// as Android's `onUserInteraction` does. The recognizer fails at once and cancels nothing,
/// so buttons, lists and text fields get their touches unchanged.
struct TouchWatcher: UIViewRepresentable {
    let onTouch: () -> Void

    func makeUIView(context: Context) -> WatcherView {
        WatcherView(onTouch: onTouch)
    }

    func updateUIView(_ view: WatcherView, context: Context) {}

    final class WatcherView: UIView {
        private let recognizer: TouchRecognizer

        init(onTouch: @escaping () -> Void) {
            recognizer = TouchRecognizer(onTouch: onTouch)
            super.init(frame: .zero)
            isUserInteractionEnabled = false
        }

        required init?(coder: NSCoder) { nil }

        /// Watches the whole window, not this (empty, untouchable) view.
        override func didMoveToWindow() {
            super.didMoveToWindow()
            recognizer.view?.removeGestureRecognizer(recognizer)
            window?.addGestureRecognizer(recognizer)
        }
    }

    final class TouchRecognizer: UIGestureRecognizer, UIGestureRecognizerDelegate {
        private let onTouch: () -> Void

        init(onTouch: @escaping () -> Void) {
            self.onTouch = onTouch
            super.init(target: nil, action: nil)
            cancelsTouchesInView = false
            delaysTouchesBegan = false
            delaysTouchesEnded = false
            delegate = self
        }

        override func touchesBegan(_ touches: Set<UITouch>, with event: UIEvent) {
            onTouch()
            state = .failed
        }

        func gestureRecognizer(
            _ gestureRecognizer: UIGestureRecognizer,
            shouldRecognizeSimultaneouslyWith other: UIGestureRecognizer
        ) -> Bool { true }
    }
}
