package id.migranemas.app

import android.Manifest
import android.app.Activity
import android.content.Context
import android.content.pm.PackageManager
import android.location.LocationManager
import id.migranemas.app.screens.LocationProvider
import id.migranemas.core.GeoLocation

/**
 * The phone's last known location, read without waiting for a new fix (the plan must go out
 * at once). No permission is asked before the button is first used: the first press asks
 * for it and goes out without a location (a dialog must not hold the plan back); once it
 * is granted, the location updates the core offers carry it. The newest fix of every
 * enabled provider (GPS, network, fused) is taken, with the time it was taken, so the
 * core can say how old it is.
 */
class AndroidLastLocation(private val activity: Activity) : LocationProvider {
    private var askedThisScreen = false

    override fun lastKnown(): GeoLocation? {
        if (!granted()) {
            askOnce()
            return null
        }
        val manager = activity.getSystemService(Context.LOCATION_SERVICE) as? LocationManager ?: return null
        val newest = manager.getProviders(true)
            .mapNotNull { provider -> manager.getLastKnownLocation(provider) }
            .maxByOrNull { it.time }
            ?: return null
        return GeoLocation(newest.latitude, newest.longitude, newest.time)
    }

    private fun granted(): Boolean = PERMISSIONS.any {
        activity.checkSelfPermission(it) == PackageManager.PERMISSION_GRANTED
    }

    /** Asks once per screen: a person who said no is not asked again at every update. */
    private fun askOnce() {
        if (askedThisScreen) return
        askedThisScreen = true
        activity.runOnUiThread { activity.requestPermissions(PERMISSIONS, REQUEST_CODE) }
    }

    companion object {
        val PERMISSIONS = arrayOf(Manifest.permission.ACCESS_FINE_LOCATION, Manifest.permission.ACCESS_COARSE_LOCATION)
        const val REQUEST_CODE = 16
    }
}
